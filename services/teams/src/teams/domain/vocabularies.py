"""The association's vocabularies for teams and activities: stable codes with Chinese labels.

The codes travel in requests, responses and events; the labels are what people read.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Vocabulary(StrEnum):
    """A vocabulary whose members are codes carrying a Chinese `label`."""

    label: str

    def __new__(cls, code: str, label: str) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def describe(cls) -> str:
        """One line listing every code with its label, for the OpenAPI document."""
        return "; ".join(f"{member.value}: {member.label}" for member in cls)


class TeamKind(Vocabulary):
    """The kinds of volunteer team."""

    PROFESSIONAL = ("professional", "专业志愿服务队")
    UNIVERSITY = ("university", "高校志愿服务队")
    COMMUNITY = ("community", "社区志愿服务队")
    YOUTH = ("youth", "青年志愿服务队")
    ENTERPRISE = ("enterprise", "企业志愿服务队")


class TeamRole(Vocabulary):
    """What a volunteer is in a team."""

    MEMBER = ("member", "队员")
    LEADER = ("leader", "队长")


class RemovalReason(Vocabulary):
    """Why a volunteer left a team."""

    WITHDRAWN = ("withdrawn", "志愿者已注销")
    REMOVED = ("removed", "移出队伍")


class ActivityKind(Vocabulary):
    """The kinds of service an activity gives."""

    CIVILISED_TRAFFIC = ("civilised_traffic", "文明交通劝导")
    WASTE_SORTING = ("waste_sorting", "垃圾分类桶边督导")
    SHARED_BIKES = ("shared_bikes", "共享单车整理")
    CITY_APPEARANCE = ("city_appearance", "市容巡查")
    RIVER_PATROL = ("river_patrol", "巡河护江")
    SCHOOL_GUARD = ("school_guard", "护学岗")
    EVENT_SUPPORT = ("event_support", "大型活动保障")
    MEDICAL_CLINIC = ("medical_clinic", "医护义诊")
    PUBLICITY_TRAINING = ("publicity_training", "宣传培训")
    OTHER = ("other", "其他")


class ActivityStatus(Vocabulary):
    """Where an activity stands: planned, held or called off."""

    SCHEDULED = ("scheduled", "待开展")
    COMPLETED = ("completed", "已完成")
    CANCELLED = ("cancelled", "已取消")


class OpenTo(Vocabulary):
    """Who may apply for an activity."""

    TEAM = ("team", "本队队员")
    ALL = ("all", "所有志愿者")


class ApplicationStatus(Vocabulary):
    """Where an application stands."""

    ACCEPTED = ("accepted", "已录用")
    WAITLISTED = ("waitlisted", "候补")
    CANCELLED = ("cancelled", "已取消")


class CheckInMethod(Vocabulary):
    """How a volunteer's arrival or departure was recorded."""

    CODE = ("code", "现场签到码")
    ROLL_CALL = ("roll_call", "协调员点名")


STAR_LABELS = ("一星志愿者", "二星志愿者", "三星志愿者", "四星志愿者", "五星志愿者")
