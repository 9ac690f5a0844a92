"""Messages written from the Jinja2 templates: Chinese by default, English available."""

from __future__ import annotations

import pytest
from jinja2 import UndefinedError

from notifications.adapters.message_templates import MessageComposer
from notifications.domain import messages
from notifications.domain.messages import Message

EXAMPLES = [
    messages.welcome(),
    messages.team_assigned("五四路文明劝导队", "leader"),
    messages.activity_thanks("垃圾分类督导", "五四广场", "五四路文明劝导队", "2.5", "102.5"),
    messages.activity_thanks("垃圾分类督导", "五四广场", None, "2.5", "102.5"),
    messages.star_level_reached(1, "100", "102.5"),
    messages.hours_corrected("垃圾分类督导", "3", "1.5", "提前离开", "99"),
    messages.certificate_issued("ZM2026000001", "12.5", 4, "2026-03-01", "2026-08-31"),
    messages.certificate_issued("ZM2026000002", "0", 0, None, None),
    messages.application_accepted("垃圾分类督导", "2026-08-09 09:30", "五四广场东门"),
    messages.application_waitlisted("垃圾分类督导", "2026-08-09 09:30", 3),
    messages.application_promoted("垃圾分类督导", "2026-08-09 09:30", "五四广场东门"),
    messages.activity_cancelled("垃圾分类督导", "2026-08-09 09:30", "台风预警"),
    messages.activity_cancelled("垃圾分类督导", "2026-08-09 09:30", ""),
    messages.activity_reminder("垃圾分类督导", "2026-08-09 09:30", "五四广场东门"),
]


def test_chinese_is_the_default() -> None:
    rendered = MessageComposer().render(messages.welcome(), "刘丽珠")
    assert rendered.language == "zh"
    assert rendered.subject == "欢迎加入城市治理志愿者协会"
    assert rendered.body.startswith("刘丽珠，您好！")


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("message", EXAMPLES, ids=lambda m: m.kind)
def test_every_message_renders_in_both_languages(language: str, message: Message) -> None:
    rendered = MessageComposer(language).render(message, "刘丽珠")
    assert rendered.subject and "\n" not in rendered.subject
    assert "刘丽珠" in rendered.body
    assert "{" not in rendered.body and "None" not in rendered.body


def test_the_thanks_carry_the_hours_and_the_new_total() -> None:
    zh = MessageComposer("zh").render(EXAMPLES[2], "刘丽珠")
    assert "本次记录服务时长 2.5 小时，您的累计服务时长为 102.5 小时" in zh.body
    assert "「五四路文明劝导队」的活动「垃圾分类督导」（五四广场）" in zh.body
    en = MessageComposer("en").render(EXAMPLES[2], "Liu Lizhu")
    assert "adds 2.5 hours of service; your total is now 102.5 hours" in en.body


def test_a_correction_names_the_activity_old_and_new_hours_the_reason_and_the_new_total() -> None:
    zh = MessageComposer("zh").render(EXAMPLES[5], "刘丽珠")
    assert zh.subject == "「垃圾分类督导」的服务时长已更正"
    assert "由 3 小时更正为 1.5 小时" in zh.body
    assert "更正原因：提前离开" in zh.body
    assert "累计服务时长现为 99 小时" in zh.body
    en = MessageComposer("en").render(EXAMPLES[5], "Liu Lizhu")
    assert "corrected from 3 to 1.5 hours" in en.body
    assert "Reason: 提前离开" in en.body and "total is now 99 hours" in en.body


def test_a_certificate_notice_names_number_hours_activities_and_period() -> None:
    zh = MessageComposer("zh").render(EXAMPLES[6], "刘丽珠")
    assert "ZM2026000001" in zh.subject
    assert "证明期间：2026-03-01 至 2026-08-31" in zh.body
    assert "共参加活动 4 次，累计服务时长 12.5 小时" in zh.body
    open_ended = MessageComposer("zh").render(EXAMPLES[7], "刘丽珠")
    assert "证明期间：首次服务 至 出具之日" in open_ended.body
    en = MessageComposer("en").render(EXAMPLES[6], "Liu Lizhu")
    assert "number ZM2026000001" in en.body
    assert "4 activities and 12.5 hours of service, from 2026-03-01 to 2026-08-31" in en.body


def test_the_role_is_named_in_the_message_s_language() -> None:
    assert "作为队长加入" in MessageComposer("zh").render(EXAMPLES[1], "王五").body
    assert "as a leader" in MessageComposer("en").render(EXAMPLES[1], "Wang").body


def test_the_milestone_names_the_level() -> None:
    rendered = MessageComposer("zh").render(messages.star_level_reached(3, "600", "601"), "王五")
    assert rendered.subject == "恭喜您成为3星级志愿者"
    assert messages.star_level_reached(3, "600", "601").kind == "star_level_3"


def test_an_unknown_recipient_is_greeted_generically() -> None:
    assert MessageComposer("zh").render(messages.welcome(), None).body.startswith("志愿者，您好")
    assert MessageComposer("en").render(messages.welcome(), None).body.startswith("Dear volunteer")


def test_a_value_missing_from_a_message_is_an_error_not_a_blank() -> None:
    with pytest.raises(UndefinedError):
        MessageComposer().render(Message("team_assigned", "team_assigned", {}), "王五")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        MessageComposer("fr")


def test_a_subject_longer_than_the_stored_one_is_cut() -> None:
    message = messages.hours_corrected("长" * 200, "1", "2", "漏记", "2")
    for language in ("zh", "en"):
        rendered = MessageComposer(language).render(message, "王五")
        assert len(rendered.subject) == messages.SUBJECT_MAX_LENGTH
        assert rendered.subject.endswith("…") and "长" * 200 in rendered.body
