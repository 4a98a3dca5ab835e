"""The conversation: engagement events, replies (log, tag, match), preferences, and the inbound-email webhook."""

import hmac
from email.message import EmailMessage

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from candidates.models import Candidate
from candidates.roles import RulesObjectPermissions

from .. import conversation, inbound, selectors
from ..classify import parse
from ..models import EngagementEvent, InboundMessage, Reply


class EngagementEventSerializer(serializers.ModelSerializer):
    scanner = serializers.SerializerMethodField()

    class Meta:
        model = EngagementEvent
        fields = ["id", "candidate", "touch", "kind", "topic", "url", "occurred_at", "scanner"]
        read_only_fields = fields

    def get_scanner(self, event: EngagementEvent) -> bool:
        """True for a click judged to be a mail scanner's: it counts for nothing."""
        return bool(event.data.get("scanner"))


class EngagementEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Engagement events (sent, opened, clicked, replied, connected, unsubscribed, bounced), newest first."""

    serializer_class = EngagementEventSerializer
    permission_classes = [RulesObjectPermissions]
    queryset = EngagementEvent.objects.order_by("-occurred_at", "-pk")
    filterset_fields = ["candidate", "kind", "touch"]


class ReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = Reply
        fields = [
            "id",
            "candidate",
            "touch",
            "enrollment",
            "from_address",
            "subject",
            "body",
            "message_id",
            "received_at",
            "source",
            "logged_by",
            "tag",
            "triaged_at",
            "triaged_by",
            "check_back_on",
        ]
        read_only_fields = fields


class LogReplySerializer(serializers.Serializer):
    candidate = serializers.PrimaryKeyRelatedField(queryset=Candidate.objects.filter(erased_at__isnull=True))
    body = serializers.CharField(max_length=20000)
    subject = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    received_at = serializers.DateTimeField(required=False)

    def validate_received_at(self, value):
        if value > timezone.now():
            raise serializers.ValidationError("A reply cannot come from the future.")
        return value


class TagReplySerializer(serializers.Serializer):
    tag = serializers.ChoiceField(choices=Reply.Tag.choices)
    check_back_on = serializers.DateField(required=False, allow_null=True, default=None)


class MatchReplySerializer(serializers.Serializer):
    candidate = serializers.PrimaryKeyRelatedField(queryset=Candidate.objects.filter(erased_at__isnull=True))


class ReplyViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Replies: POST logs one by hand; POST {id}/tag/ triages it; POST {id}/match/ gives an unmatched one its
    candidate. `?to_handle=1` lists the matched, untagged ones (oldest first), `?unmatched=1` the unmatched."""

    serializer_class = ReplySerializer
    permission_classes = [RulesObjectPermissions]
    queryset = selectors.replies().order_by("received_at", "pk")
    filterset_fields = ["candidate", "tag", "source"]

    def get_queryset(self):
        replies = super().get_queryset()
        if self.request.query_params.get("to_handle"):
            replies = replies.to_handle()
        if self.request.query_params.get("unmatched"):
            replies = replies.unmatched()
        return replies

    @extend_schema(request=LogReplySerializer, responses={201: ReplySerializer})
    def create(self, request, *args, **kwargs):
        data = LogReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reply = conversation.log_reply(
            candidate=data.validated_data["candidate"],
            body=data.validated_data["body"],
            subject=data.validated_data["subject"],
            received_at=data.validated_data.get("received_at") or timezone.now(),
            by=request.user,
        )
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)

    def _change(self, request, operation, serializer_class):
        reply = self.get_object()
        if not request.user.has_perm("outreach.change_reply", reply):
            raise PermissionDenied
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            operation(reply=reply, by=request.user, **data.validated_data)
        except conversation.ReplyError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        reply.refresh_from_db()
        return Response(ReplySerializer(reply).data)

    @extend_schema(request=TagReplySerializer, responses={200: ReplySerializer})
    @action(detail=True, methods=["post"], serializer_class=TagReplySerializer)
    def tag(self, request, pk=None):
        return self._change(request, conversation.tag_reply, TagReplySerializer)

    @extend_schema(request=MatchReplySerializer, responses={200: ReplySerializer})
    @action(detail=True, methods=["post"], serializer_class=MatchReplySerializer)
    def match(self, request, pk=None):
        return self._change(request, conversation.match_reply, MatchReplySerializer)


class CanViewPreferences(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm("outreach.view_preferences")


class PreferencesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Candidate
        fields = [
            "id",
            "topics",
            "fewer_messages",
            "snoozed_until",
            "unsubscribed_at",
            "engagement_score",
            "interests",
        ]
        read_only_fields = fields


class PreferencesViewSet(viewsets.ReadOnlyModelViewSet):
    """What each candidate chose in the preference centre, with their engagement score and interests
    (read-only: only the candidate changes their preferences)."""

    serializer_class = PreferencesSerializer
    permission_classes = [permissions.IsAuthenticated, CanViewPreferences]
    queryset = Candidate.objects.filter(erased_at__isnull=True).order_by("pk")
    filterset_fields = ["fewer_messages"]


class InboundEmailSecret(permissions.BasePermission):
    """The webhook's shared secret (setting INBOUND_EMAIL_SECRET) in the X-Inbound-Secret header.
    An empty setting refuses every call."""

    message = "A valid X-Inbound-Secret header is required."

    def has_permission(self, request, view):
        expected = settings.INBOUND_EMAIL_SECRET
        given = request.headers.get("X-Inbound-Secret", "")
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


class InboundEmailSerializer(serializers.Serializer):
    from_address = serializers.CharField(
        max_length=500, required=False, default="", help_text='The From header, e.g. "Ada <ada@example.com>"'
    )
    subject = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    text = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="The plain-text body"
    )
    message_id = serializers.CharField(
        max_length=255,
        required=False,
        default="",
        help_text="The email's own Message-ID; a redelivery with the same one creates nothing",
    )
    in_reply_to = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    references = serializers.CharField(required=False, allow_blank=True, default="")
    auto_submitted = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", help_text="The Auto-Submitted header"
    )
    raw = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="The whole message (RFC 5322) instead of the fields above: for bounces and complaints",
    )
    received_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if not attrs["raw"]:
            missing = [name for name in ("from_address", "message_id") if not attrs[name]]
            if missing:
                raise serializers.ValidationError(
                    dict.fromkeys(missing, "This field is required (or send the raw message).")
                )
        return attrs

    def message(self) -> EmailMessage:
        """The fields as the email they describe, for the same classifier as every other inbound path."""
        fields = self.validated_data
        if fields["raw"]:
            return parse(fields["raw"])
        message = EmailMessage()
        for header, name in [
            ("From", "from_address"),
            ("Subject", "subject"),
            ("Message-ID", "message_id"),
            ("In-Reply-To", "in_reply_to"),
            ("References", "references"),
            ("Auto-Submitted", "auto_submitted"),
        ]:
            value = " ".join(fields[name].split())  # no line breaks in a header
            if value:
                message[header] = value
        message.set_content(fields["text"])
        return message


class InboundEmailView(APIView):
    """The inbound-email webhook: your mail provider (or a small forwarding script) POSTs each reply here."""

    authentication_classes = []
    permission_classes = [InboundEmailSecret]

    @extend_schema(
        operation_id="inbound_email",
        summary="Receive an inbound email (a candidate's reply)",
        description=(
            "Guarded by a shared secret: send the value of the INBOUND_EMAIL_SECRET setting in the "
            "X-Inbound-Secret header (403 and nothing stored when it is missing or wrong, or when the setting "
            "is empty). Everything sent here goes through the same classifier as mail read from a mailbox: "
            "a reply, an auto-reply (timeline only), a bounce or a spam complaint (send the whole message as "
            "`raw` for those). The reply is matched to the email it answers by In-Reply-To, then References "
            "(our Message-IDs look like <uuid@longlist>), else to a candidate by the sender's address (any "
            "case), else kept unmatched for a recruiter to match. A matched reply stops the candidate's "
            "sequences and appears in Replies to handle. Idempotent by message_id: a redelivery answers 200 "
            "with the reply stored the first time."
        ),
        request=InboundEmailSerializer,
        parameters=[
            OpenApiParameter("X-Inbound-Secret", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)
        ],
        responses={
            201: inline_serializer(
                "InboundEmailResult",
                {
                    "id": serializers.IntegerField(allow_null=True, help_text="The reply's id, for a reply"),
                    "candidate": serializers.IntegerField(allow_null=True),
                    "kind": serializers.ChoiceField(choices=InboundMessage.Kind.choices),
                },
            ),
            200: OpenApiResponse(description="Already received (same message_id): nothing new was stored"),
            400: OpenApiResponse(description="A required field is missing or invalid"),
            403: OpenApiResponse(description="Missing or wrong shared secret"),
        },
        auth=[],
    )
    def post(self, request):
        data = InboundEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record, created = inbound.receive_message(
            data.message(),
            source=InboundMessage.Source.WEBHOOK,
            received_at=data.validated_data["received_at"],
        )
        return Response(
            {"id": record.reply_id, "candidate": record.candidate_id, "kind": record.kind},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
