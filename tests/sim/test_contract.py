"""The API contract in-process: submit, poll, download, extend, edit, dialects, expiry."""

from __future__ import annotations

import base64
import uuid

from promptkit.models import cost_ticks
from tests.sim.conftest import AUTH


async def test_generation_returns_a_uuid_request_id(make_sim) -> None:
    sim = await make_sim()
    request_id = await sim.submit({"prompt": "a kite flies", "duration": 1})
    assert str(uuid.UUID(request_id)) == request_id


async def test_pending_poll_is_202_with_progress_rising_below_100(make_sim) -> None:
    sim = await make_sim(speed=1.0)
    rid = await sim.submit({"prompt": "a kite flies", "duration": 2})
    seen = []
    for _ in range(3):
        r = await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)
        assert r.status_code == 202
        assert r.json()["status"] == "pending"
        seen.append(r.json()["progress"])
        sim.clock.advance(3)
    assert seen == sorted(seen) and seen[0] < seen[-1] <= 99


async def test_done_body_has_url_duration_model_cost_and_progress_100(make_sim) -> None:
    sim = await make_sim()
    rid = await sim.submit({"prompt": "a kite flies", "duration": 2, "resolution": "720p"})
    body = await sim.finish(rid)
    assert body["status"] == "done" and body["progress"] == 100
    assert body["video"]["duration"] == 2 and body["video"]["respect_moderation"] is True
    assert body["model"] == "grok-imagine-video"
    assert body["usage"]["cost_in_usd_ticks"] == cost_ticks("grok-imagine-video", "720p", 2)
    clip = await sim.client.get(body["video"]["url"])
    assert clip.status_code == 200 and clip.headers["content-type"] == "video/mp4"
    assert clip.content[4:8] == b"ftyp"


async def test_sidecar_is_served_next_to_the_clip(make_sim) -> None:
    sim = await make_sim()
    rid = await sim.submit({"prompt": "the camera pans left over hills", "duration": 1})
    url = (await sim.finish(rid))["video"]["url"]
    sidecar = (await sim.client.get(url + ".json")).json()
    assert sidecar["camera"] == "pan_left" and sidecar["frames"] == 24
    assert sidecar["content_shift_px_per_frame"][0] > 0


async def test_default_duration_is_eight_seconds_and_default_size_480p(make_sim) -> None:
    sim = await make_sim(speed=0)
    rid = await sim.submit({"prompt": "a mug"})
    job = sim.state.store.jobs[rid]
    assert job.frames == 8 * 24 and job.extra["resolution"] == "480p"
    assert job.cost_ticks == cost_ticks("grok-imagine-video", "480p", 8)


async def test_unknown_request_id_is_404(make_sim) -> None:
    sim = await make_sim()
    r = await sim.client.get(f"/v1/videos/{uuid.uuid4()}", headers=AUTH)
    assert r.status_code == 404 and set(r.json()) == {"code", "error"}


async def test_failed_job_has_error_and_zero_progress(make_sim) -> None:
    sim = await make_sim(fail_rate=1.0)
    body = await sim.finish(await sim.submit({"prompt": "a kite", "duration": 1}))
    assert body["status"] == "failed" and body["progress"] == 0 and body["model"] == ""
    assert body["video"] == {"duration": 0, "respect_moderation": True}
    assert set(body["error"]) == {"code", "message"}


async def test_moderated_prompt_is_done_without_url(make_sim) -> None:
    sim = await make_sim(moderation_words=("forbidden",))
    body = await sim.finish(await sim.submit({"prompt": "a FORBIDDEN scene", "duration": 1}))
    assert body["status"] == "done"
    assert body["video"]["url"] == "" and body["video"]["respect_moderation"] is False


async def test_job_reads_expired_after_retention(make_sim) -> None:
    sim = await make_sim(retention_s=100.0)
    rid = await sim.submit({"prompt": "a kite", "duration": 1})
    assert (await sim.finish(rid))["status"] == "done"
    sim.clock.advance(100)
    r = await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)
    assert r.status_code == 200 and r.json() == {"status": "expired"}


async def test_clip_url_is_404_after_its_ttl(make_sim) -> None:
    sim = await make_sim(url_ttl_s=50.0, retention_s=10_000.0)
    url = (await sim.finish(await sim.submit({"prompt": "a kite", "duration": 1})))["video"]["url"]
    assert (await sim.client.get(url)).status_code == 200
    sim.clock.advance(50)
    assert (await sim.client.get(url)).status_code == 404
    assert (await sim.client.get(url + ".json")).status_code == 404


async def test_clip_urls_are_unguessable_tokens(make_sim) -> None:
    sim = await make_sim()
    urls = set()
    for n in range(2):
        rid = await sim.submit({"prompt": f"kite {n}", "duration": 1})
        urls.add((await sim.finish(rid))["video"]["url"].rsplit("/", 1)[1])
    assert len(urls) == 2 and all(len(u) >= 32 + 4 for u in urls)
    assert (await sim.client.get("/clips/" + "A" * 32 + ".mp4")).status_code == 404


async def test_extension_output_is_input_plus_extension(make_sim) -> None:
    sim = await make_sim()
    url = (await sim.finish(await sim.submit({"prompt": "a kite", "duration": 1})))["video"]["url"]
    rid = await sim.submit(
        {"prompt": "it flies away to the right", "video": {"url": url}, "duration": 2}, "extensions"
    )
    body = await sim.finish(rid)
    assert body["video"]["duration"] == 3
    assert body["usage"]["cost_in_usd_ticks"] == cost_ticks("grok-imagine-video", "480p", 2)
    sidecar = (await sim.client.get(body["video"]["url"] + ".json")).json()
    assert sidecar["frames"] == 72 and sidecar["input_frames"] == 24


async def test_extension_defaults_to_six_seconds(make_sim) -> None:
    sim = await make_sim(speed=0)
    url = (await sim.finish(await sim.submit({"prompt": "a kite", "duration": 1})))["video"]["url"]
    rid = await sim.submit({"prompt": "more", "video": {"url": url}}, "extensions")
    assert sim.state.store.jobs[rid].frames == (1 + 6) * 24


async def test_edit_keeps_the_input_length_and_accepts_a_data_uri(make_sim) -> None:
    sim = await make_sim()
    url = (await sim.finish(await sim.submit({"prompt": "a kite", "duration": 2})))["video"]["url"]
    data = (await sim.client.get(url)).content
    data_uri = "data:video/mp4;base64," + base64.b64encode(data).decode()
    body = await sim.finish(
        await sim.submit({"prompt": "add snow", "video": {"url": data_uri}}, "edits")
    )
    assert body["video"]["duration"] == 2
    sidecar = (await sim.client.get(body["video"]["url"] + ".json")).json()
    assert sidecar["frames"] == 48 and "snow" in sidecar["particles"]


async def test_edit_of_a_clip_longer_than_8_7_seconds_is_400(make_sim) -> None:
    sim = await make_sim()
    url = (await sim.finish(await sim.submit({"prompt": "a kite", "duration": 9})))["video"]["url"]
    r = await sim.client.post(
        "/v1/videos/edits", headers=AUTH, json={"prompt": "add snow", "video": {"url": url}}
    )
    assert r.status_code == 400 and "8.7" in r.json()["error"]


async def test_extension_of_a_foreign_url_is_400(make_sim) -> None:
    sim = await make_sim()
    r = await sim.client.post(
        "/v1/videos/extensions",
        headers=AUTH,
        json={"prompt": "more", "video": {"url": "https://example.com/video.mp4"}},
    )
    assert r.status_code == 400 and r.json()["code"] == "Client specified an invalid argument"


async def test_blog_dialect_says_processing_and_401_for_a_wrong_key(make_sim) -> None:
    sim = await make_sim(dialect="blog", speed=1.0)
    rid = await sim.submit({"prompt": "a kite", "duration": 1})
    r = await sim.client.get(f"/v1/videos/{rid}", headers=AUTH)
    assert r.status_code == 202 and r.json()["status"] == "processing"
    wrong = await sim.client.get(f"/v1/videos/{rid}", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


async def test_user_field_is_accepted_and_unknown_fields_ignored(make_sim) -> None:
    sim = await make_sim()
    rid = await sim.submit({"prompt": "a kite", "duration": 1, "user": "job-7", "output": {}})
    assert sim.state.ledger_entries()[0]["user"] == "job-7"
    assert sim.state.ledger_entries()[0]["request_id"] == rid


async def test_openapi_document_lists_every_public_operation(make_sim) -> None:
    sim = await make_sim()
    doc = (await sim.client.get("/openapi.json")).json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) >= {
        "/v1/videos/generations",
        "/v1/videos/extensions",
        "/v1/videos/edits",
        "/v1/videos/{request_id}",
    }
    poll = doc["paths"]["/v1/videos/{request_id}"]["get"]["responses"]
    assert {"200", "202", "400", "401", "404", "429"} <= set(poll)


async def test_oldest_clips_are_evicted_beyond_the_memory_budget(make_sim) -> None:
    sim = await make_sim(max_stored_bytes=1)
    first = (await sim.finish(await sim.submit({"prompt": "kite 1", "duration": 1})))["video"]
    second = (await sim.finish(await sim.submit({"prompt": "kite 2", "duration": 1})))["video"]
    assert (await sim.client.get(first["url"])).status_code == 404
    assert (await sim.client.get(second["url"])).status_code == 200
