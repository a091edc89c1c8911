"""Details of a case that fill the forms but do not steer triage.

Every field is optional: what the case knows is printed, what it does not is left as a blank line
for the party to complete by hand (see docs/contract.md). Unknown keys are still refused so that a
misspelt field is caught instead of silently missing from a court form.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from propertytriage.models.types import STRICT_MODEL, Flag, IsoDate, LongText, ShortText, Yuan

Text = ShortText | None
Prose = LongText | None


def _in_order(start: date | None, end: date | None, first: str, last: str, zh: str, en: str) -> None:
    """Refuse a span that ends before it starts (one day, start == end, is a span)."""
    if start is not None and end is not None and end < start:
        raise ValueError(
            f"{last}::{last} ({end}) is before {first} ({start}): the {en} cannot end before it "
            f"starts|{zh}止日 {last}（{end}）早于起日 {first}（{start}），不能同时成立，请核对"
        )


class PropertyCompany(BaseModel):
    """The property-service company (物业服务企业), usually the plaintiff in a fee case."""

    model_config = STRICT_MODEL

    name: Text = None
    credit_code: Text = Field(default=None, description="统一社会信用代码")
    address: Text = None
    legal_representative: Text = None
    phone: Text = None


class Owner(BaseModel):
    """An owner (业主) or occupier (物业使用人) who is a party."""

    model_config = STRICT_MODEL

    name: Text = None
    gender: Literal["男", "女"] | None = None
    born_on: IsoDate | None = None
    ethnicity: Text = None
    id_number: Text = Field(default=None, description="公民身份号码")
    address: Text = None
    phone: Text = None
    unit: Text = Field(default=None, description="房屋坐落，如 3号楼2单元501室")
    area_sqm: Text = Field(default=None, description="建筑面积（平方米），文本以保留原样")


class Estate(BaseModel):
    """The residential estate (小区) and the bodies that serve it."""

    model_config = STRICT_MODEL

    name: Text = None
    address: Text = None
    street: Text = Field(default=None, description="街道（苏木乡镇）")
    community: Text = Field(default=None, description="社区（嘎查村）")
    owners_committee: Text = Field(default=None, description="业主委员会或物业管理委员会名称")


class Contract(BaseModel):
    """The property-service contract (物业服务合同 or 前期物业服务合同)."""

    model_config = STRICT_MODEL

    kind: Literal["物业服务合同", "前期物业服务合同"] | None = None
    signed_on: IsoDate | None = None
    term_from: IsoDate | None = None
    term_to: IsoDate | None = None
    fee_standard: Text = Field(default=None, description="收费标准，如 1.20元/平方米·月")
    payment_method: Prose = Field(default=None, description="缴费方式及期限")
    late_fee_terms: Prose = Field(default=None, description="违约金约定")

    @model_validator(mode="after")
    def _term_in_order(self) -> Contract:
        _in_order(self.term_from, self.term_to, "term_from", "term_to", "合同期限", "contract term")
        return self


class Arrears(BaseModel):
    """What is owed and how it is computed."""

    model_config = STRICT_MODEL

    period_from: IsoDate | None = None
    period_to: IsoDate | None = None
    amount: Yuan | None = Field(default=None, description="欠缴物业费（元）")
    computation: Prose = Field(default=None, description="欠费计算方式")
    late_fee: Yuan | None = Field(default=None, description="违约金（元）")
    late_fee_computation: Prose = None
    late_fee_until_paid: Flag | None = Field(
        default=None, description="是否主张违约金计算至实际清偿之日"
    )
    demands: Prose = Field(default=None, description="催缴情况")

    @model_validator(mode="after")
    def _period_in_order(self) -> Arrears:
        _in_order(self.period_from, self.period_to, "period_from", "period_to", "欠费期间", "arrears period")
        return self


class FocusPoint(BaseModel):
    """One point in dispute (争议焦点), fixed in mediation for the court's later use."""

    model_config = STRICT_MODEL

    issue: LongText
    claimant_position: Prose = None
    respondent_position: Prose = None
    evidence: Prose = None
    agreed: Flag | None = None


class Venue(BaseModel):
    """Names printed in form headers: the court and the mediation center handling the case."""

    model_config = STRICT_MODEL

    court: Text = None
    mediation_center: Text = None
    administration: Text = Field(default=None, description="物业管理行政主管部门")
