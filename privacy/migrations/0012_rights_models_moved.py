"""The rights models moved to the rights app; their tables and rows stay as they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('privacy', '0011_access_and_mail_kinds'),
        ('rights', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='erasedsubject',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='erasureevent',
                    name='actor',
                ),
                migrations.RemoveField(
                    model_name='erasureevent',
                    name='request',
                ),
                migrations.RemoveField(
                    model_name='erasurerequest',
                    name='registered_by',
                ),
                migrations.RemoveField(
                    model_name='erasurerequest',
                    name='subject',
                ),
                migrations.RemoveField(
                    model_name='inactivitywarning',
                    name='user',
                ),
                migrations.RemoveField(
                    model_name='legalhold',
                    name='lifted_by',
                ),
                migrations.RemoveField(
                    model_name='legalhold',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='legalhold',
                    name='placed_by',
                ),
                migrations.RemoveField(
                    model_name='legalhold',
                    name='subject',
                ),
                migrations.RemoveField(
                    model_name='legalhold',
                    name='support_case',
                ),
                migrations.DeleteModel(
                    name='DataExport',
                ),
                migrations.DeleteModel(
                    name='ErasedSubject',
                ),
                migrations.DeleteModel(
                    name='ErasureEvent',
                ),
                migrations.DeleteModel(
                    name='ErasureRequest',
                ),
                migrations.DeleteModel(
                    name='InactivityWarning',
                ),
                migrations.DeleteModel(
                    name='LegalHold',
                ),
            ],
            database_operations=[],
        ),
    ]
