"""The rights models, moved from the privacy app with their tables and every row.

Only Django's picture of the models changes (their tables keep the privacy_ prefix);
the content types follow, so the roles' permissions on them stay granted.
"""

import django.db.models.deletion
import rights.models
from django.conf import settings
from django.db import migrations, models


MOVED = [
    "dataexport",
    "erasedsubject",
    "erasureevent",
    "erasurerequest",
    "inactivitywarning",
    "legalhold",
]


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="privacy", model__in=MOVED).update(app_label="rights")


def content_types_return(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="rights", model__in=MOVED).update(app_label="privacy")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('privacy', '0011_access_and_mail_kinds'),
        ('orders', '0006_purpose_origin'),
        ('support', '0002_purpose_origin'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='DataExport',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.CharField(default=rights.models.new_public_id, editable=False, max_length=22, unique=True, verbose_name='Kodi i lidhjes')),
                        ('status', models.CharField(choices=[('queued', 'Në radhë'), ('ready', 'Gati'), ('failed', 'Dështoi'), ('expired', 'Skadoi')], default='queued', max_length=10, verbose_name='Gjendja')),
                        ('language', models.CharField(max_length=5, verbose_name='Gjuha')),
                        ('file_key', models.CharField(blank=True, max_length=128, verbose_name='Çelësi i skedarit')),
                        ('size', models.PositiveIntegerField(default=0, verbose_name='Madhësia (bajt)')),
                        ('requested_at', models.DateTimeField(verbose_name='Kërkuar më')),
                        ('ready_at', models.DateTimeField(blank=True, null=True, verbose_name='Gati më')),
                        ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='Skadon më')),
                        ('downloaded_at', models.DateTimeField(blank=True, null=True, verbose_name='Shkarkuar më')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='data_exports', to=settings.AUTH_USER_MODEL, verbose_name='Llogaria')),
                    ],
                    options={
                        'verbose_name': 'shkarkim i të dhënave',
                        'verbose_name_plural': 'shkarkimet e të dhënave',
                        'db_table': 'privacy_dataexport',
                        'ordering': ['-requested_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='ErasedSubject',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('pseudonym', models.CharField(max_length=24, unique=True, verbose_name='Pseudonimi')),
                        ('erased_at', models.DateTimeField(verbose_name='Fshirë më')),
                        ('cause', models.CharField(max_length=16, verbose_name='Shkaku')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='erasure', to=settings.AUTH_USER_MODEL, verbose_name='Llogaria')),
                    ],
                    options={
                        'verbose_name': 'person i fshirë',
                        'verbose_name_plural': 'personat e fshirë',
                        'db_table': 'privacy_erasedsubject',
                    },
                ),
                migrations.CreateModel(
                    name='ErasureRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.CharField(default=rights.models.new_public_id, editable=False, max_length=22, unique=True, verbose_name='Kodi i lidhjes')),
                        ('channel', models.CharField(choices=[('account', 'Nga llogaria'), ('email', 'Email te info@3vfejzo.al'), ('phone', 'Telefon'), ('in_person', 'Në dyqan')], max_length=10, verbose_name='Kanali')),
                        ('state', models.CharField(choices=[('awaiting_confirmation', 'Pret konfirmimin me email'), ('verified', 'E konfirmuar, pret zbatimin'), ('held', 'E zbatuar; disa të dhëna mbahen nën bllokim ligjor'), ('completed', 'E zbatuar plotësisht'), ('lapsed', 'Pa konfirmim, e mbyllur')], default='awaiting_confirmation', max_length=24, verbose_name='Gjendja')),
                        ('received_at', models.DateTimeField(verbose_name='Marrë më')),
                        ('due_at', models.DateTimeField(verbose_name='Afati')),
                        ('extension_reason', models.TextField(blank=True, verbose_name='Arsyeja e zgjatjes')),
                        ('extended_at', models.DateTimeField(blank=True, null=True, verbose_name='Zgjatur më')),
                        ('confirmation_digest', models.CharField(blank=True, max_length=64, verbose_name='Gjurmë e lidhjes')),
                        ('confirmation_sent_at', models.DateTimeField(blank=True, null=True, verbose_name='Konfirmimi u dërgua më')),
                        ('verified_at', models.DateTimeField(blank=True, null=True, verbose_name='Konfirmuar më')),
                        ('executed_at', models.DateTimeField(blank=True, null=True, verbose_name='Zbatuar më')),
                        ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='Përfunduar më')),
                        ('reminded_at', models.DateTimeField(blank=True, null=True, verbose_name='Kujtesa u dërgua më')),
                        ('report', models.JSONField(blank=True, default=list, verbose_name='Raporti')),
                        ('registered_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Regjistruar nga')),
                        ('subject', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='erasure_requests', to=settings.AUTH_USER_MODEL, verbose_name='Llogaria')),
                    ],
                    options={
                        'verbose_name': 'kërkesë për fshirje',
                        'verbose_name_plural': 'kërkesat për fshirje',
                        'db_table': 'privacy_erasurerequest',
                        'ordering': ['due_at', 'id'],
                        'permissions': [('handle_erasurerequest', 'Mund të trajtojë kërkesat për fshirje'), ('register_erasurerequest', 'Mund të regjistrojë kërkesa për fshirje')],
                    },
                ),
                migrations.CreateModel(
                    name='ErasureEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('step', models.CharField(choices=[('received', 'U mor kërkesa'), ('confirmation_sent', 'U dërgua lidhja e konfirmimit'), ('verified', 'Personi e konfirmoi me lidhjen në email'), ('login_disabled', 'Hyrja u çaktivizua dhe seancat u mbyllën'), ('extended', 'Afati u zgjat'), ('hold_placed', 'U vendos bllokim ligjor'), ('hold_lifted', 'U hoq bllokimi ligjor'), ('executed', 'Të dhënat u fshinë ose u anonimizuan'), ('held_data_erased', 'Të dhënat e bllokuara u fshinë'), ('report_sent', 'Personit iu tregua çfarë u fshi dhe çfarë u mbajt'), ('reminder_sent', 'Zyrtarit iu kujtua afati'), ('lapsed', 'Lidhja skadoi pa konfirmim')], max_length=20, verbose_name='Hapi')),
                        ('at', models.DateTimeField(verbose_name='Koha')),
                        ('actor_label', models.CharField(max_length=80, verbose_name='Kush (emërtimi)')),
                        ('detail', models.TextField(blank=True, verbose_name='Hollësi')),
                        ('actor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Kush')),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='rights.erasurerequest', verbose_name='Kërkesa')),
                    ],
                    options={
                        'verbose_name': 'hap i kërkesës për fshirje',
                        'verbose_name_plural': 'historiku i kërkesave për fshirje',
                        'db_table': 'privacy_erasureevent',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='InactivityWarning',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('last_seen_at', models.DateTimeField(verbose_name='Hyrja e fundit më')),
                        ('warned_at', models.DateTimeField(verbose_name='Paralajmëruar më')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='inactivity_warning', to=settings.AUTH_USER_MODEL, verbose_name='Llogaria')),
                    ],
                    options={
                        'verbose_name': 'paralajmërim për llogari joaktive',
                        'verbose_name_plural': 'paralajmërimet për llogari joaktive',
                        'db_table': 'privacy_inactivitywarning',
                    },
                ),
                migrations.CreateModel(
                    name='LegalHold',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('scope', models.CharField(choices=[('person', 'Gjithçka për personin'), ('order', 'Një porosi'), ('support_case', 'Një rast mbështetjeje')], default='person', max_length=12, verbose_name='Çfarë mban')),
                        ('reference', models.CharField(blank=True, max_length=32, verbose_name='Referenca')),
                        ('kind', models.CharField(choices=[('dispute', 'Mosmarrëveshje ose ankesë e hapur'), ('unpaid_order', 'Porosi e papaguar ose e padorëzuar ende'), ('warranty_or_repair', 'Garanci ose riparim i hapur'), ('legal_request', 'Kërkesë nga një autoritet ligjor')], max_length=20, verbose_name='Lloji')),
                        ('reason', models.TextField(blank=True, verbose_name='Arsyeja')),
                        ('review_on', models.DateField(verbose_name='Rishikohet më')),
                        ('review_reminded_on', models.DateField(blank=True, null=True, verbose_name='Kujtuar më')),
                        ('automatic', models.BooleanField(default=False, verbose_name='Automatik')),
                        ('placed_at', models.DateTimeField(verbose_name='Vendosur më')),
                        ('lifted_at', models.DateTimeField(blank=True, null=True, verbose_name='Hequr më')),
                        ('lifted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Hequr nga')),
                        ('order', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='legal_holds', to='orders.order', verbose_name='Porosia')),
                        ('placed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='Vendosur nga')),
                        ('subject', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='legal_holds', to=settings.AUTH_USER_MODEL, verbose_name='Llogaria')),
                        ('support_case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='legal_holds', to='support.supportcase', verbose_name='Rasti')),
                    ],
                    options={
                        'verbose_name': 'bllokim ligjor',
                        'verbose_name_plural': 'bllokimet ligjore',
                        'db_table': 'privacy_legalhold',
                        'ordering': ['review_on', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='erasurerequest',
                    index=models.Index(fields=['state', 'due_at'], name='erasure_state_due'),
                ),
                migrations.AddIndex(
                    model_name='legalhold',
                    index=models.Index(fields=['subject', 'lifted_at'], name='hold_subject_open'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_return),
    ]
