"""Demo customers and one demo staff account per role. Demo passwords only: never production."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.municipalities import Municipality
from privacy.roles import Role

CUSTOMER_PASSWORD = "demo-klient-2021"  # noqa: S105 - a published demo password
CUSTOMER_EMAIL_DOMAIN = "example.al"


@dataclass(frozen=True)
class DemoCustomer:
    first_name: str
    last_name: str
    phone: str
    municipality: Municipality
    street: str

    @property
    def email(self) -> str:
        local = f"{self.first_name}.{self.last_name}".lower()
        for letter, plain in (("ë", "e"), ("ç", "c")):
            local = local.replace(letter, plain)
        return f"{local}@{CUSTOMER_EMAIL_DOMAIN}"


@dataclass(frozen=True)
class DemoStaff:
    role: Role
    email: str
    password: str
    first_name: str
    last_name: str


M = Municipality

CUSTOMERS: list[DemoCustomer] = [
    DemoCustomer("Arta", "Hoxha", "+355692104317", M.TIRANE, "Rr. Myslym Shyri, Nr. 42"),
    DemoCustomer("Besnik", "Krasniqi", "+355692217745", M.DURRES, "Rr. Taulantia, Pallati 7"),
    DemoCustomer("Drita", "Shehu", "+355693309128", M.SHKODER, "Rr. Kolë Idromeno, Nr. 15"),
    DemoCustomer(
        "Erion", "Dervishi", "+355694412360", M.VLORE, "Lagjja Pavarësia, Rr. Sadik Zotaj"
    ),
    DemoCustomer("Klajdi", "Leka", "+355695528803", M.ELBASAN, "Bulevardi Qemal Stafa, Nr. 8"),
    DemoCustomer("Mirela", "Gjoka", "+355696637214", M.KORCE, "Rr. Republika, Nr. 21"),
    DemoCustomer("Alban", "Marku", "+355697741952", M.FIER, "Lagjja 11 Janari, Rr. Brigada XV"),
    DemoCustomer("Elona", "Bregu", "+355698856031", M.BERAT, "Rr. Antipatrea, Pallati 3"),
    DemoCustomer("Genti", "Çela", "+355699963487", M.LEZHE, "Rr. Gjergj Fishta, Nr. 9"),
    DemoCustomer("Jonida", "Prifti", "+355692075519", M.GJIROKASTER, "Lagjja 18 Shtatori, Nr. 4"),
    DemoCustomer("Kreshnik", "Malaj", "+355693186640", M.SARANDE, "Rr. Skënderbeu, Nr. 33"),
    DemoCustomer("Ledia", "Muça", "+355694293071", M.POGRADEC, "Rr. Rinia, Pallati 12"),
    DemoCustomer("Orges", "Kola", "+355695304782", M.KAVAJE, "Rr. Nacionale, Nr. 56"),
    DemoCustomer("Rezarta", "Bushati", "+355696415893", M.KRUJE, "Rr. Kala, Nr. 2"),
    DemoCustomer("Sokol", "Dema", "+355697520164", M.LUSHNJE, "Lagjja Kongresi, Rr. Dëshmorët"),
    DemoCustomer("Teuta", "Rama", "+355698631275", M.KAMEZ, "Rr. Adem Jashari, Nr. 17"),
    DemoCustomer("Valmir", "Zeneli", "+355699742386", M.KUKES, "Rr. Dituria, Nr. 6"),
    DemoCustomer(
        "Xhesika", "Lika", "+355692853497", M.TIRANE, "Rr. e Kavajës, Pallati 120, Shk. 2"
    ),
    DemoCustomer("Ylli", "Beqiri", "+355693964508", M.DURRES, "Lagjja 13, Rr. Aleksandër Goga"),
    DemoCustomer("Enkelejda", "Toska", "+355694075619", M.TIRANE, "Rr. Sami Frashëri, Nr. 11"),
]

STAFF: list[DemoStaff] = [
    DemoStaff(Role.CUSTOMER_CARE, "kujdesi@3vfejzo.al", "demo-kujdesi-2021", "Elira", "Basha"),
    DemoStaff(Role.SALES, "shitje@3vfejzo.al", "demo-shitje-2021", "Gentian", "Meta"),
    DemoStaff(Role.MARKETING, "marketing@3vfejzo.al", "demo-marketing-2021", "Sara", "Ndreu"),
    DemoStaff(Role.DATA_PROTECTION_OFFICER, "dpo@3vfejzo.al", "demo-dpo-2021", "Ilir", "Hasani"),
    DemoStaff(Role.ADMINISTRATOR, "admin@3vfejzo.al", "demo-admin-2021", "Ardit", "Fejzo"),
]
