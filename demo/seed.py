"""Write the demo catalogue, customers and staff; safe to run again (matched by SKU and email)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Address, User
from campaigns.models import Campaign
from catalog.models import Brand, Category, Product
from catalog.services import catalog_revision_bump
from demo import appliances, electronics
from demo.base import SEED, DemoProduct
from demo.categories import CATEGORIES, CATEGORY_BY_SLUG
from demo.fully_used import seed_fully_used_customer
from demo.people import CUSTOMER_PASSWORD, CUSTOMERS, STAFF, DemoStaff
from demo.photos import demo_photos_seed
from orders.models import Order, PaymentMethod
from orders.services import Delivery, order_place
from privacy.roles import Role
from rights.models import ErasureRequest, RequestChannel
from rights.requests.services import erasure_request_register
from search.services import search_documents_refresh
from staff.models import Course, TrainingRecord
from staff.services import roles_sync
from subscriptions.models import Channel, Topic
from subscriptions.services import subscriber_for_user, subscription_change
from support.models import CaseChannel, SupportCase

logger = logging.getLogger(__name__)

GENERATORS: list[Callable[[random.Random], list[DemoProduct]]] = [
    electronics.televisions,
    electronics.audio,
    electronics.headphones,
    electronics.phones,
    electronics.tablets,
    electronics.watches,
    electronics.laptops,
    electronics.monitors,
    appliances.fridges,
    appliances.washers,
    appliances.dishwashers,
    appliances.cookers,
    appliances.air_conditioners,
    appliances.small_appliances,
]

PRODUCT_FIELDS = [
    "slug",
    "category",
    "brand",
    "name_sq",
    "name_en",
    "description_sq",
    "description_en",
    "specifications",
    "price",
    "stock",
    "image",
    "is_active",
    "popularity",
]


@dataclass(frozen=True)
class SeededProduct:
    """A demo product with everything the database row needs except its foreign keys."""

    sku: str
    slug: str
    stock: int
    popularity: int
    demo: DemoProduct


@dataclass
class SeedReport:
    categories: int = 0
    brands: int = 0
    products_created: int = 0
    products_updated: int = 0
    customers: int = 0
    staff: list[DemoStaff] = field(default_factory=list)


def _stock(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.08:
        return 0
    if roll < 0.12:
        return 1
    if roll < 0.2:
        return rng.randint(2, 3)
    return rng.randint(4, 40)


def demo_products() -> list[SeededProduct]:
    """Return the demo catalogue; the same list, in the same order, on every call."""
    rng = random.Random(SEED)
    products = [product for generate in GENERATORS for product in generate(rng)]
    seeded: list[SeededProduct] = []
    slugs: set[str] = set()
    for number, product in enumerate(products, start=101):
        code = CATEGORY_BY_SLUG[product.category].sku_code
        sku = f"3VF-{code}-{number:05d}"
        slug = slugify(product.name_en)[:140].strip("-")
        if slug in slugs:
            slug = f"{slug}-{number}"
        slugs.add(slug)
        seeded.append(
            SeededProduct(
                sku=sku,
                slug=slug,
                stock=_stock(rng),
                popularity=rng.randint(0, 1000),
                demo=product,
            )
        )
    return seeded


def _seed_categories() -> dict[str, Category]:
    by_slug: dict[str, Category] = {}
    positions: dict[str | None, int] = {}
    for demo in CATEGORIES:
        position = positions.get(demo.parent, 0)
        positions[demo.parent] = position + 1
        category, _created = Category.objects.update_or_create(
            slug=demo.slug,
            defaults={
                "parent": by_slug[demo.parent] if demo.parent else None,
                "name_sq": demo.name_sq,
                "name_en": demo.name_en,
                "position": position,
                "image": demo.image,
            },
        )
        by_slug[demo.slug] = category
    return by_slug


def _seed_brands(names: set[str]) -> dict[str, Brand]:
    brands: dict[str, Brand] = {}
    for name in sorted(names):
        brand, _created = Brand.objects.update_or_create(
            name=name, defaults={"slug": slugify(name)}
        )
        brands[name] = brand
    return brands


def _seed_products(
    seeded: list[SeededProduct], *, categories: dict[str, Category], brands: dict[str, Brand]
) -> tuple[int, int]:
    existing = {p.sku: p for p in Product.objects.filter(sku__in=[s.sku for s in seeded])}
    to_create: list[Product] = []
    to_update: list[Product] = []
    for item in seeded:
        demo = item.demo
        category = categories[demo.category]
        values = {
            "slug": item.slug,
            "category": category,
            "brand": brands[demo.brand],
            "name_sq": demo.name_sq,
            "name_en": demo.name_en,
            "description_sq": demo.description_sq,
            "description_en": demo.description_en,
            "specifications": demo.specifications,
            "price": demo.price,
            "stock": item.stock,
            "image": category.image,
            "is_active": True,
            "popularity": item.popularity,
        }
        product = existing.get(item.sku)
        if product is None:
            to_create.append(Product(sku=item.sku, **values))
        else:
            for name, value in values.items():
                setattr(product, name, value)
            to_update.append(product)
    Product.objects.bulk_create(to_create, batch_size=200)
    Product.objects.bulk_update(to_update, PRODUCT_FIELDS, batch_size=200)
    return len(to_create), len(to_update)


def _seed_customers() -> int:
    # One hash for every demo customer: hashing twenty times would only slow the seed down.
    password = make_password(CUSTOMER_PASSWORD)
    now = timezone.now()
    for demo in CUSTOMERS:
        # Emails are ciphertext: the account is found through its blind index.
        user = User.objects.with_email(demo.email).first()
        if user is None:
            user = User(email=demo.email, password=password, email_verified_at=now)
        user.first_name = demo.first_name
        user.last_name = demo.last_name
        user.phone = demo.phone
        user.is_active = True
        user.save()
        if not user.addresses.exists():
            Address.objects.create(
                user=user, municipality=demo.municipality, street=demo.street, is_default=True
            )
    return len(CUSTOMERS)


def _seed_staff() -> list[DemoStaff]:
    groups = {group.name: group for group in roles_sync()}
    today = timezone.localdate()
    for demo in STAFF:
        user = User.objects.with_email(demo.email).first()
        if user is None:
            user = User.objects.create_user(
                demo.email,
                demo.password,
                first_name=demo.first_name,
                last_name=demo.last_name,
                email_verified_at=timezone.now(),
            )
        elif not user.check_password(demo.password):
            user.set_password(demo.password)
        user.first_name = demo.first_name
        user.last_name = demo.last_name
        user.is_staff = True
        user.is_active = True
        user.is_superuser = demo.role == Role.ADMINISTRATOR
        user.save()
        user.groups.set([groups[demo.role.value]])
        # Demo staff are trained, so the purpose-bound reveal can be tried at once (P14).
        TrainingRecord.objects.get_or_create(
            staff=user,
            course=Course.PRIVACY_AND_SECURITY,
            defaults={"completed_on": today, "valid_until": today + timedelta(days=365)},
        )
    return list(STAFF)


def _seed_back_office_work() -> None:
    """Give the demo back office something to handle: an order waiting in the sales
    queue and a support case waiting for customer care, so the purpose-bound reveal
    (P5) can be tried at once. Only when there are none yet."""
    buyer = User.objects.with_email(CUSTOMERS[1].email).get()
    product = Product.objects.filter(is_active=True, stock__gt=2).order_by("sku").first()
    if not Order.objects.exists() and product is not None:
        address = buyer.addresses.get()
        order_place(
            customer=buyer,
            quantities={product.pk: 1},
            delivery=Delivery(
                name=buyer.get_full_name(),
                phone_e164=buyer.phone,
                municipality=address.municipality,
                street=address.street,
                notes="",
            ),
            payment_method=PaymentMethod.CASH_ON_DELIVERY,
            language="sq",
            actor=buyer,
        )
    if not SupportCase.objects.exists():
        SupportCase.objects.create(
            customer=User.objects.with_email(CUSTOMERS[0].email).get(),
            channel=CaseChannel.PHONE,
            summary="Pyet kur mbërrin frigoriferi dhe nëse instalimi është falas",
            opened_at=timezone.now(),
        )


DEMO_CAMPAIGN_BODY = """Këtë javë, televizorët dhe frigoriferët që zgjodhët më shpesh
kanë çmime më të ulëta.

- **Dorëzim falas** në të 61 bashkitë për porositë mbi 20 000 lekë
- Instalim nga teknikët tanë për pajisjet shtëpiake
- Garanci zyrtare nga prodhuesi

Ofertat vlejnë deri të dielën ose deri në mbarimin e stokut.
"""


def _seed_marketing() -> None:
    """Half the demo customers ticked a topic; a draft campaign waits for marketing (P8)."""
    for number, demo in enumerate(CUSTOMERS):
        if number % 2:
            continue
        user = User.objects.with_email(demo.email).get()
        topics = [Topic.OFFERS] if number % 4 else [Topic.OFFERS, Topic.NEWSLETTER]
        subscription_change(
            subscriber=subscriber_for_user(user),
            topics=dict.fromkeys(topics, True),
            channel=Channel.REGISTRATION,
            actor=user,
        )
    if not Campaign.objects.exists():
        campaign = Campaign.objects.create(
            topic=Topic.OFFERS,
            name="Ofertat e javës (demo)",
            subject_sq="Ofertat e javës: televizorë dhe frigoriferë me çmime më të ulëta",
            body_sq=DEMO_CAMPAIGN_BODY,
        )
        campaign.products.set(
            Product.objects.filter(is_active=True, stock__gt=0).order_by("-popularity")[:3]
        )


def _seed_erasure_requests() -> None:
    """Give the data-protection officer's queue something to show (P12): two requests
    customer care registered from calls, waiting for the customers to confirm by the
    mailed link (open it in the mail viewer to go on). Only when there are none yet."""
    if ErasureRequest.objects.exists():
        return
    care_demo = next(member for member in STAFF if member.role == Role.CUSTOMER_CARE)
    care = User.objects.with_email(care_demo.email).get()
    today = timezone.localdate()
    for demo, days_ago, channel in (
        (CUSTOMERS[4], 25, RequestChannel.PHONE),
        (CUSTOMERS[5], 2, RequestChannel.EMAIL),
    ):
        erasure_request_register(
            subject=User.objects.with_email(demo.email).get(),
            channel=channel,
            received_on=today - timedelta(days=days_ago),
            actor=care,
        )


@transaction.atomic
def demo_seed() -> SeedReport:
    """Create or refresh the demo catalogue, customers and staff accounts."""
    seeded = demo_products()
    categories = _seed_categories()
    brands = _seed_brands({item.demo.brand for item in seeded})
    created, updated = _seed_products(seeded, categories=categories, brands=brands)
    # bulk_create and bulk_update send no signals: move the revision and index here.
    catalog_revision_bump()
    search_documents_refresh()
    # A photo drawn for each product, through the upload pipeline (demo/photos.py).
    photos = demo_photos_seed(Product.objects.filter(sku__in=[item.sku for item in seeded]))
    logger.info("Demo photos drawn: %s", photos)
    report = SeedReport(
        categories=len(categories),
        brands=len(brands),
        products_created=created,
        products_updated=updated,
        customers=_seed_customers(),
        staff=_seed_staff(),
    )
    _seed_back_office_work()
    _seed_marketing()
    seed_fully_used_customer()
    _seed_erasure_requests()
    logger.info("Demo data seeded: %s products created, %s updated", created, updated)
    return report
