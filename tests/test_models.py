"""Prompt and GenerationParams: every validation rule, its one-line message, sizes and prices."""

from __future__ import annotations

import base64
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from promptkit.errors import InvalidParamsError
from promptkit.models import (
    ASPECT_RATIOS,
    DEFAULT_MODEL,
    MAX_IMAGE_BYTES,
    TICKS_PER_USD,
    GenerationParams,
    Prompt,
    cost_ticks,
    frame_size,
    price_per_second,
    ticks_to_usd,
)

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def reject(**values: object) -> str:
    """The one-line message GenerationParams.build gives for ``values``."""
    with pytest.raises(InvalidParamsError) as info:
        GenerationParams.build(**values)
    message = str(info.value)
    assert "\n" not in message
    assert info.value.exit_code == 2
    return message


def test_defaults_follow_the_official_api() -> None:
    p = GenerationParams()
    assert (p.model, p.duration, p.resolution, p.aspect_ratio) == (
        "grok-imagine-video",
        8,
        "480p",
        "16:9",
    )
    assert p.image is None and p.reference_images == ()
    assert DEFAULT_MODEL == "grok-imagine-video"


@pytest.mark.parametrize("duration", [1, 15, "8", 8.0])
def test_duration_accepts_whole_seconds_within_range(duration: object) -> None:
    assert GenerationParams.build(duration=duration).duration == int(float(str(duration)))


@pytest.mark.parametrize("duration", [0, 16, -3])
def test_duration_out_of_range_names_field_value_and_range(duration: int) -> None:
    assert reject(duration=duration) == f"duration: {duration} must be between 1 and 15 seconds"


@pytest.mark.parametrize("duration", [2.5, "abc", True, [8]])
def test_duration_must_be_a_whole_number(duration: object) -> None:
    assert reject(duration=duration).endswith("must be a whole number of seconds")
    assert reject(duration=duration).startswith("duration: ")


def test_resolution_outside_the_two_allowed_is_rejected_with_the_list() -> None:
    assert reject(resolution="1080p") == "resolution: '1080p' is not allowed (allowed: 480p, 720p)"


@pytest.mark.parametrize("ratio", ASPECT_RATIOS)
def test_every_documented_aspect_ratio_is_accepted(ratio: str) -> None:
    assert GenerationParams.build(aspect_ratio=ratio).aspect_ratio == ratio


def test_unknown_aspect_ratio_lists_the_seven_allowed() -> None:
    assert reject(aspect_ratio="21:9") == (
        "aspect_ratio: '21:9' is not allowed (allowed: 16:9, 9:16, 1:1, 4:3, 3:4, 3:2, 2:3)"
    )


def test_unknown_parameter_is_rejected_with_the_known_ones() -> None:
    assert reject(seed=3) == (
        "seed: unknown parameter "
        "(allowed: model, duration, resolution, aspect_ratio, image, reference_images)"
    )


@pytest.mark.parametrize(
    "image", ["https://example.com/a.png", "http://127.0.0.1/a.jpg", "data:image/png;base64,AAAA"]
)
def test_image_urls_and_data_uris_are_kept_as_given(image: str) -> None:
    assert GenerationParams.build(image=image).image == image


def test_image_empty_string_means_no_image() -> None:
    assert GenerationParams(image="").image is None


@pytest.mark.parametrize("as_path", [True, False])
def test_local_image_file_becomes_a_data_uri(tmp_path: Path, as_path: bool) -> None:
    file = tmp_path / "still.png"
    file.write_bytes(PNG_1X1)
    params = GenerationParams.build(image=file if as_path else str(file))
    assert params.image == "data:image/png;base64," + base64.b64encode(PNG_1X1).decode()


def test_local_image_of_another_type_is_rejected(tmp_path: Path) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("hi")
    assert reject(image=str(file)).startswith(f"image: {file} is not a PNG, JPEG or WebP file")


def test_local_image_over_ten_mebibytes_is_rejected(tmp_path: Path) -> None:
    file = tmp_path / "huge.png"
    with file.open("wb") as fh:
        fh.truncate(MAX_IMAGE_BYTES + 1)
    assert reject(image=str(file)) == (
        f"image: {file} is {MAX_IMAGE_BYTES + 1} bytes (allowed: at most 10 MiB)"
    )


def data_uri(decoded_bytes: int, media_type: str = "image/png") -> str:
    """A base64 data URI of ``decoded_bytes`` zero bytes, built without encoding anything."""
    whole, rest = divmod(decoded_bytes, 3)
    tail = {0: "", 1: "AA==", 2: "AAA="}[rest]
    return f"data:{media_type};base64," + "A" * (4 * whole) + tail


def test_data_uri_helper_matches_real_base64() -> None:
    for n in (0, 1, 2, 3, 10):
        assert data_uri(n) == "data:image/png;base64," + base64.b64encode(bytes(n)).decode()


def test_image_data_uri_of_exactly_ten_mebibytes_is_accepted() -> None:
    uri = data_uri(MAX_IMAGE_BYTES, "image/webp")
    assert GenerationParams.build(image=uri).image is uri


def test_image_data_uri_over_ten_mebibytes_is_rejected_without_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_decoding(*_: object, **__: object) -> bytes:
        raise AssertionError("the size must come from the base64 length")

    monkeypatch.setattr(base64, "b64decode", no_decoding)
    assert reject(image=data_uri(MAX_IMAGE_BYTES + 1)) == (
        f"image: data URI decodes to {MAX_IMAGE_BYTES + 1} bytes (allowed: at most 10 MiB)"
    )


def test_image_data_uri_without_base64_is_capped_by_its_length() -> None:
    uri = "data:image/png," + "%00" * (MAX_IMAGE_BYTES // 3 + 1)
    assert reject(image=uri).startswith("image: data URI decodes to ")


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("data:image/gif;base64,R0lGODdh", "'image/gif'"),
        ("data:text/html;base64,PHA+", "'text/html'"),
        ("data:image/svg+xml,<svg/>", "'image/svg+xml'"),
        ("data:;base64,AAAA", "'missing'"),
    ],
)
def test_image_data_uri_of_another_media_type_is_rejected(uri: str, shown: str) -> None:
    assert reject(image=uri) == (
        f"image: data URI media type {shown} is not allowed "
        "(allowed: image/jpeg, image/png, image/webp)"
    )


def test_image_data_uri_without_a_comma_is_rejected() -> None:
    assert reject(image="data:image/png;base64" + "A" * 1000) == (
        "image: not a valid data URI (expected data:image/png;base64,<data>)"
    )


def test_reference_image_data_uri_over_ten_mebibytes_is_rejected_naming_its_position() -> None:
    refs = ["https://e.com/a.png", data_uri(16), data_uri(MAX_IMAGE_BYTES + 2, "image/jpeg")]
    message = reject(reference_images=refs)
    assert message == (
        f"reference_images[3]: data URI decodes to {MAX_IMAGE_BYTES + 2} bytes "
        "(allowed: at most 10 MiB)"
    )


def test_reference_image_data_uri_of_another_media_type_is_rejected() -> None:
    assert reject(reference_images=["data:application/pdf;base64,JVBERi0="]).startswith(
        "reference_images[1]: data URI media type 'application/pdf' is not allowed"
    )


def test_reference_image_data_uris_within_the_cap_are_kept() -> None:
    refs = [data_uri(100, "image/jpeg"), data_uri(MAX_IMAGE_BYTES)]
    assert GenerationParams.build(reference_images=refs).reference_images == tuple(refs)


def test_image_that_is_neither_url_nor_file_is_rejected(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.png")
    assert reject(image=missing) == (
        f"image: {missing!r} must be an http(s) URL, a data:image/ URI or an existing image file"
    )


def test_image_of_the_wrong_type_is_rejected() -> None:
    assert reject(image=42) == "image: 42 must be a URL, a data URI or a local file path"


def test_up_to_seven_reference_images_are_accepted() -> None:
    refs = [f"https://example.com/{i}.png" for i in range(7)]
    assert GenerationParams.build(reference_images=refs).reference_images == tuple(refs)


def test_a_single_reference_image_string_becomes_a_tuple() -> None:
    ref = "https://example.com/a.png"
    assert GenerationParams.build(reference_images=ref).reference_images == (ref,)


def test_eight_reference_images_are_too_many() -> None:
    refs = [f"https://example.com/{i}.png" for i in range(8)]
    assert reject(reference_images=refs).endswith("has 8 images (allowed: at most 7)")


def test_reference_images_must_be_urls() -> None:
    message = reject(reference_images=["/tmp/a.png"])
    assert message.endswith("each must be an http(s) URL or a data:image/ URI")


def test_reference_images_cannot_be_combined_with_image() -> None:
    message = reject(image="https://example.com/a.png", reference_images=["https://e.com/b.png"])
    assert message == "reference_images cannot be combined with image"


def test_reference_images_cap_duration_at_ten_seconds() -> None:
    refs = ["https://example.com/a.png"]
    assert GenerationParams.build(duration=10, reference_images=refs).duration == 10
    assert reject(duration=11, reference_images=refs) == (
        "duration 11 is too long with reference_images (allowed: at most 10 seconds)"
    )


def test_build_ignores_none_so_defaults_apply() -> None:
    assert GenerationParams.build(duration=None, resolution=None) == GenerationParams()


def test_merged_applies_changes_and_validates_again() -> None:
    base = GenerationParams.build(duration=5)
    assert base.merged(resolution="720p", duration=None) == GenerationParams.build(
        duration=5, resolution="720p"
    )
    with pytest.raises(InvalidParamsError, match="duration: 99"):
        base.merged(duration=99)


def test_params_and_prompt_are_frozen_and_forbid_extra_fields() -> None:
    with pytest.raises(ValidationError):
        GenerationParams().duration = 3  # type: ignore[misc]
    with pytest.raises(ValidationError):
        Prompt(text="x", colour="red")  # type: ignore[call-arg]


def test_prompt_keeps_the_parts_it_was_built_from() -> None:
    p = Prompt(text="A fox runs.", template="nature", variables={"subject": "a fox"})
    assert (p.template, p.variables) == ("nature", {"subject": "a fox"})
    assert Prompt(text="x").variables == {} and Prompt(text="x").template is None


def test_to_api_wraps_images_in_url_objects_and_omits_the_prompt() -> None:
    p = GenerationParams.build(reference_images=["https://e.com/a.png"], duration=4)
    assert p.to_api() == {
        "model": "grok-imagine-video",
        "duration": 4,
        "resolution": "480p",
        "aspect_ratio": "16:9",
        "reference_images": [{"url": "https://e.com/a.png"}],
    }
    with_image = GenerationParams.build(image="https://e.com/a.png").to_api()
    assert with_image["image"] == {"url": "https://e.com/a.png"}
    assert "reference_images" not in with_image and "prompt" not in with_image


# The two sizes the API documents for 16:9 (API notes §1.2, deprecated `size` field).
@pytest.mark.parametrize(
    ("resolution", "ratio", "size"),
    [("480p", "16:9", (848, 480)), ("720p", "16:9", (1280, 720)), ("480p", "9:16", (480, 848))],
)
def test_frame_size_matches_the_api(resolution: str, ratio: str, size: tuple[int, int]) -> None:
    assert frame_size(resolution, ratio) == size
    assert GenerationParams.build(resolution=resolution, aspect_ratio=ratio).size == size


@pytest.mark.parametrize("resolution", ["480p", "720p"])
@pytest.mark.parametrize("ratio", ASPECT_RATIOS)
def test_frame_size_keeps_short_side_orientation_and_ratio(resolution: str, ratio: str) -> None:
    w, h = frame_size(resolution, ratio)
    a, b = (int(x) for x in ratio.split(":"))
    short = int(resolution[:-1])
    assert min(w, h) == short
    assert (w >= h) == (a >= b)
    assert max(w, h) % 16 == 0 or a == b
    assert abs(w / h - a / b) < 0.02


def test_one_second_at_480p_costs_half_a_billion_ticks() -> None:
    assert cost_ticks("grok-imagine-video", "480p", 1) == 500_000_000
    assert GenerationParams.build(duration=1).cost_ticks() == 500_000_000


def test_cost_scales_with_seconds_resolution_and_model() -> None:
    assert GenerationParams().cost_ticks() == 8 * 500_000_000
    assert cost_ticks("grok-imagine-video", "720p", 10) == 7_000_000_000
    assert cost_ticks("grok-imagine-video-1.5", "720p", 1) == 1_400_000_000
    assert price_per_second("grok-imagine-video-1.5", "480p") == Decimal("0.08")


def test_unknown_models_are_priced_like_the_default_model() -> None:
    default = price_per_second(DEFAULT_MODEL, "720p")
    assert price_per_second("someone-elses-model", "720p") == default


def test_ticks_to_usd_is_exact() -> None:
    assert ticks_to_usd(500_000_000) == Decimal("0.05")
    assert ticks_to_usd(1) == Decimal("1E-10")
    assert ticks_to_usd(3 * TICKS_PER_USD + 7) == Decimal("3.0000000007")
    assert isinstance(ticks_to_usd(1), Decimal)
