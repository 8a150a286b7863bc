"""Request and response bodies of the API (big integers travel as decimal strings)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator


class InferenceIn(BaseModel):
    """An off-chain input: fixed-point ints at the model's input scale, or floats."""

    model_id: int = Field(ge=0)
    input: list[int] | None = Field(default=None, description="ints at the input scale")
    input_float: list[float] | None = Field(default=None, description="floats, quantized here")

    @model_validator(mode="after")
    def _one_input(self) -> InferenceIn:
        if (self.input is None) == (self.input_float is None):
            raise ValueError("give exactly one of input and input_float")
        return self


class InferenceOut(BaseModel):
    model_id: int
    input: list[str]
    output: list[str] = Field(description="the circuit's outputs at the output scale")
    output_float: list[float]
    onnx_output: list[float] = Field(description="onnxruntime's float outputs, for comparison")
    proof: str = Field(description="0x hex proof bytes, as fulfill takes them")
    instances: list[str] = Field(description="public instances (input felts, output felts)")
    timings: dict[str, float]


class JobsOut(BaseModel):
    jobs: list[dict[str, Any]]
    counts: dict[str, int]
