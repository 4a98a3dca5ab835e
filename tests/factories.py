from datetime import UTC, time, timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from candidates import search_documents
from candidates import services as candidate_services
from candidates.models import Activity, Candidate, CustomField, Referral, Resume, TalentPool
from candidates.roles import ADMIN, EMPLOYEE, HIRING_MANAGER, RECRUITER
from outreach.models import Enrollment, MeetingType, Reply, SenderIdentity, Sequence, Step, Touch
from pipelines import services as pipeline_services
from pipelines.models import Card, Requisition, Stage


def _add_role(user, create, role):
    if create and role:
        # get_or_create: transactional tests (live server, workers) flush the groups the migration made
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        user.is_staff = role == ADMIN
    if create:
        user.save()


def _role(default):
    return factory.PostGeneration(
        lambda user, create, extracted, **kw: _add_role(user, create, extracted or default)
    )


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass role="Recruiter" (or use the role factories below) to put them in a role group."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "longlist")
    role = _role(None)


class RecruiterFactory(UserFactory):
    role = _role(RECRUITER)


class AdminFactory(UserFactory):
    role = _role(ADMIN)


class HiringManagerFactory(UserFactory):
    role = _role(HIRING_MANAGER)


class EmployeeFactory(UserFactory):
    role = _role(EMPLOYEE)


def _skills_and_search_text(candidate, create, extracted, **kwargs):
    """CandidateFactory(skills=["Python", "SQL"]) sets skills; then the search text is filled as services do."""
    if not create:
        return
    if extracted:
        candidate_services.set_skills(candidate, extracted)
    search_documents.refresh_search_documents([candidate.pk])
    candidate.refresh_from_db(fields=["search_document", "search_vector", "skill_keys"])


class CandidateFactory(factory.django.DjangoModelFactory):
    """A candidate as the services leave one: searchable (search_document, and search_vector on PostgreSQL)."""

    class Meta:
        model = Candidate
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"candidate{n}@example.org")
    title = factory.Faker("job")
    company = factory.Faker("company")
    industry = "Software"
    years_experience = 6
    country = "GB"
    city = "London"
    timezone = "Europe/London"
    seeking_status = "passive"
    source = "sourced"
    skills = factory.PostGeneration(_skills_and_search_text)


class TalentPoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalentPool

    name = factory.Sequence(lambda n: f"Pool {n}")


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    referrer = factory.SubFactory(EmployeeFactory)
    candidate = factory.SubFactory(CandidateFactory, source="referral")
    first_name = factory.SelfAttribute("candidate.first_name")
    last_name = factory.SelfAttribute("candidate.last_name")
    relationship = "Former colleague"
    reason = "Great engineer"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    candidate = factory.SubFactory(CandidateFactory)
    kind = Activity.Kind.NOTE
    summary = "A note"


class RequisitionFactory(factory.django.DjangoModelFactory):
    """A requisition with its board and the default stages, as services.create_requisition makes it."""

    class Meta:
        model = Requisition

    title = factory.Sequence(lambda n: f"Senior Engineer {n}")
    department = "Engineering"
    location = "London"
    status = Requisition.Status.OPEN
    hiring_manager = factory.SubFactory(HiringManagerFactory)
    recruiter = factory.SubFactory(RecruiterFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return pipeline_services.create_requisition(**kwargs)


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card

    candidate = factory.SubFactory(CandidateFactory)
    pipeline = factory.LazyAttribute(lambda c: RequisitionFactory().pipeline)
    stage = factory.LazyAttribute(lambda c: c.pipeline.stages.order_by("position").first())
    position = factory.Sequence(int)


def stage_named(requisition: Requisition, name: str) -> Stage:
    return requisition.pipeline.stages.get(name=name)


def hired_stage(requisition: Requisition) -> Stage:
    """The role's hired stage (the default board has one: "Hired")."""
    return requisition.pipeline.stages.get(is_hired=True)


class SequenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sequence

    name = factory.Sequence(lambda n: f"Nurture {n}")
    sender = factory.SubFactory(RecruiterFactory)


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    sequence = factory.SubFactory(SequenceFactory)
    position = factory.Sequence(int)
    delay_amount = 2
    channel = "email"
    subject = "Hello {{ first_name }}"
    body = "Hi {{ first_name }}, ..."


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    sequence = factory.SubFactory(SequenceFactory)
    candidate = factory.SubFactory(CandidateFactory)


class TouchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touch

    enrollment = factory.SubFactory(EnrollmentFactory)
    candidate = factory.SelfAttribute("enrollment.candidate")
    channel = "email"
    due_at = factory.LazyFunction(timezone.now)


def unpaced_identity(user, *, now=None) -> SenderIdentity:
    """Give `user` an identity that sends as fast as the dispatcher can: no spacing, a limit of a million a
    day, and a timezone in which `now` (the real time by default) is late in the day, so that the slots of
    nearly the whole day's limit have come (pacing spreads a day's limit over its window)."""
    hour = (now or timezone.now()).astimezone(UTC).hour
    offset = (22 - hour + 12) % 24 - 12  # local time = UTC + offset is 22:xx
    identity, _ = SenderIdentity.objects.update_or_create(
        user=user,
        defaults={
            "display_name": user.get_full_name() or user.username,
            "address": user.email or "recruiting@example.com",
            "daily_limit": 10**6,
            "min_spacing_minutes": 0,
            "send_window_start": time(0, 0),
            "send_window_end": time(23, 59, 59),
            "timezone": f"Etc/GMT{-offset:+d}" if offset else "UTC",
        },
    )
    return identity


def make_due_emails(count: int, *, chunk: int = 5000) -> None:
    """`count` first emails due a minute ago, each to a new person, built in bulk (dispatcher load tests); their
    sequence sends at any hour of any day, so that the tests pass whenever they run."""
    sequence = SequenceFactory(
        min_gap_days=0,
        send_window_start=time(0, 0),
        send_window_end=time(23, 59, 59),
        business_days_only=False,
    )
    unpaced_identity(sequence.sender)
    step = StepFactory(
        sequence=sequence, position=0, channel="email", subject="Hi {{ first_name }}", body="Hello"
    )
    due = timezone.now() - timedelta(minutes=1)
    for start in range(0, count, chunk):
        people = Candidate.objects.bulk_create(
            Candidate(first_name=f"Person{i}", email=f"person{i}@example.org", source="applied")
            for i in range(start, min(count, start + chunk))
        )
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(sequence=sequence, candidate=p) for p in people
        )
        Touch.objects.bulk_create(
            Touch(
                enrollment=e,
                candidate_id=e.candidate_id,
                sender=sequence.sender,
                step=step,
                channel="email",
                due_at=due,
                subject=step.subject,
                body=step.body,
            )
            for e in enrollments
        )


# --- Résumé files, built in memory -----------------------------------------------------------------------------


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of these numbered objects (the first the catalog), with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def make_pdf(*lines: str) -> bytes:
    """A minimal one-page PDF whose text is these lines (Helvetica), with a correct cross-reference table."""
    text = " ".join(f"({line.replace('(', '').replace(')', '')}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


def make_encrypted_pdf(*lines: str, password: str = "secret") -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(*lines))))
    writer.encrypt(user_password=password, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_docx(*paragraphs: str) -> bytes:
    import io

    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_zip_bomb(unpacked_bytes: int = 60 * 1024 * 1024) -> bytes:
    """A zip dressed as a DOCX whose document.xml inflates from a few kB to ``unpacked_bytes`` of zeros."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(unpacked_bytes // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def make_xobject_bomb(operators: int = 100_000, draws: int = 1_000) -> bytes:
    """A 1.9 KB PDF whose page draws one Form XObject of ``operators`` text operators ``draws`` times; pypdf
    parses the form again at each draw, so reading its text takes about half an hour of CPU."""
    import zlib

    form = zlib.compress(b"BT /F1 1 Tf " + b"(a) Tj " * operators + b"ET", 9)
    page = zlib.compress(b"/X Do " * draws, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /XObject << /X 5 0 R >> /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(page) + page + b"\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 6 0 R >> >> "
        b"/Length %d /Filter /FlateDecode >>\nstream\n" % len(form) + form + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


class ReplyFactory(factory.django.DjangoModelFactory):
    """A matched, untagged reply (as if logged by hand); pass candidate=None for an unmatched one."""

    class Meta:
        model = Reply

    candidate = factory.SubFactory(CandidateFactory)
    from_address = factory.LazyAttribute(
        lambda r: r.candidate.email if r.candidate else "someone@example.net"
    )
    subject = "Re: Hello"
    body = "Sounds interesting, tell me more."
    received_at = factory.LazyFunction(timezone.now)
    source = Reply.Source.MANUAL


class MeetingTypeFactory(factory.django.DjangoModelFactory):
    """A 30-minute video call hosted by the candidate's owner (or, for someone without one, the first host)."""

    class Meta:
        model = MeetingType
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Intro call {n}")
    duration_minutes = 30
    location = MeetingType.Location.VIDEO
    location_detail = "https://meet.example.com/{code}"
    hosting = MeetingType.Hosting.OWNER

    @factory.post_generation
    def hosts(self, create, extracted, **kwargs):
        if create and extracted:
            self.hosts.set(extracted)


def attach_resume(candidate: Candidate, kind: str = "pdf", text: str = "") -> Resume:
    """A stored résumé of `kind` ("pdf" or "docx") for `candidate`, with a name that needs escaping."""
    content = make_pdf("Ada Lovelace") if kind == "pdf" else b"PK\x03\x04 not really a docx"
    resume = Resume(
        candidate=candidate,
        original_name=f"Ada's CV<script>.{kind}",
        kind=kind,
        size=len(content),
        sha256="0" * 64,
        text=text,
        text_status="extracted" if text else "empty",
    )
    resume.file.save(f"cv.{kind}", ContentFile(content), save=False)
    resume.save()
    return resume


class CustomFieldFactory(factory.django.DjangoModelFactory):
    """An admin's custom field (of candidates unless applies_to says otherwise); choices for the choice types."""

    class Meta:
        model = CustomField

    applies_to = CustomField.AppliesTo.CANDIDATE
    label = factory.Sequence(lambda n: f"Field {n}")
    key = factory.Sequence(lambda n: f"field_{n}")
    type = CustomField.Type.TEXT
    position = factory.Sequence(lambda n: n)
