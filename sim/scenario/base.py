"""The base of every scenario section: unknown keys are errors, values are immutable."""

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A scenario section: forbids unknown keys and is frozen once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)
