"""POST /api/v1/image on the real ``postguard serve`` (gunicorn, gevent), over HTTP:
the body cap on the wire, findings, privacy of the log and the files, text scans
while an image is checked, and a service with no Tesseract on its PATH."""

from __future__ import annotations

import io
import json
import threading
import time

import pytest
from image_samples import CANARY_WORD
from image_samples import CARD
from image_samples import OWNER
from image_samples import clean_jpeg
from image_samples import gps_jpeg
from image_samples import owned_jpeg
from image_samples import padded_png
from image_samples import photo
from image_samples import screenshot
from service_support import percentile
from service_support import raw_exchange
from service_support import start_service

from postguard.request_body import IMAGE_MAX_BYTES

IMAGE = "/api/v1/image"
# A loaded test machine may need more than the default 4 s to read text.
ROOMY = {"POSTGUARD_IMAGE_BUDGET_MS": "30000", "POSTGUARD_REQUEST_TIMEOUT": "60"}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("image-live")
    service = start_service(
        root / "home", root / "serve.log", POSTGUARD_RATE_LIMIT_PER_SECOND="0", **ROOMY
    )
    yield service
    service.kill()


def post_image(server, data: bytes, query="platform=x", content_type="image/png"):
    status, headers, body = server.request(
        "POST", f"{IMAGE}?{query}", data, {"Content-Type": content_type}
    )
    return status, headers, json.loads(body)


def test_a_card_screenshot_is_blocked_with_a_masked_preview(server):
    status, headers, body = post_image(server, screenshot(f"card {CARD}"))
    assert status == 200, body
    assert body["verdict"] == "block"
    card = next(f for f in body["findings"] if f["type"] == "CREDIT_CARD")
    assert card["preview"] == "•••• 1111" and card["box"]["width"] > 0
    assert "4111" not in json.dumps(body)
    assert headers["Cache-Control"] == "no-store"


def test_a_gps_photo_reports_its_location(server):
    status, _, body = post_image(server, gps_jpeg(), content_type="image/jpeg")
    assert status == 200
    assert body["location"] is True
    assert [f["type"] for f in body["findings"]] == ["GPS_LOCATION"]


def test_a_clean_photo_is_allowed(server):
    status, _, body = post_image(server, clean_jpeg(), content_type="image/jpeg")
    assert status == 200
    assert (body["verdict"], body["findings"], body["complete"]) == ("allow", [], True)


def test_a_20_mib_image_is_accepted_on_the_wire(server):
    status, _, body = post_image(server, padded_png(IMAGE_MAX_BYTES))
    assert status == 200, body
    assert body["format"] == "png"


def _head(server, **headers: str) -> bytes:
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return (
        f"POST {IMAGE}?platform=x HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
        f"X-PostGuard-Token: {server.token}\r\nContent-Type: image/png\r\n"
        f"{lines}\r\n"
    ).encode()


def test_over_20_mib_gets_413_before_the_body_is_read(server):
    size = IMAGE_MAX_BYTES + 1
    piece = b"\x00" * 65536
    answer = raw_exchange(
        server.port,
        _head(server, **{"Content-Length": str(size)}),
        [piece] * (size // len(piece)) + [b"\x00"],
    )
    assert answer.startswith(b"HTTP/1.1 413")
    assert f"{IMAGE_MAX_BYTES} bytes".encode() in answer and b"20 MiB" in answer


def test_a_chunked_body_over_20_mib_gets_413(server):
    piece = b"\x00" * (1024 * 1024)
    chunks = [b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(21)] + [b"0\r\n\r\n"]
    answer = raw_exchange(
        server.port, _head(server, **{"Transfer-Encoding": "chunked"}), chunks
    )
    assert answer.startswith(b"HTTP/1.1 413")


def test_a_chunked_image_under_the_cap_is_checked(server):
    data = screenshot("nothing to see")
    chunks = [b"%x\r\n%s\r\n" % (len(data), data), b"0\r\n\r\n"]
    answer = raw_exchange(
        server.port,
        _head(server, **{"Transfer-Encoding": "chunked", "Connection": "close"}),
        chunks,
    )
    assert answer.startswith(b"HTTP/1.1 200"), answer[:200]


def test_nothing_read_from_an_image_reaches_the_log_or_any_file(server):
    shot = screenshot(f"{CANARY_WORD} card {CARD}")
    assert post_image(server, shot)[2]["verdict"] == "block"
    assert post_image(server, owned_jpeg(), content_type="image/jpeg")[0] == 200
    files = [p for p in server.home.parent.rglob("*") if p.is_file()]
    assert any(p.name == "serve.log" for p in files)
    for path in files:
        data = path.read_bytes()
        for needle in (CANARY_WORD, CARD, CARD.replace(" ", ""), OWNER):
            assert needle.encode() not in data, (path.name, needle)


def test_text_scans_keep_answering_while_a_big_photo_is_checked(server):
    big = io.BytesIO()
    photo((4000, 3000)).save(big, "JPEG", quality=90)  # 12 megapixels
    latencies: list[float] = []
    statuses: list[int] = []
    done = threading.Event()

    def scan_until_done():
        while not done.is_set():
            started = time.perf_counter()
            status, _, _ = server.request(
                "POST", "/api/v1/scan", {"text": f"card {CARD}", "platform": "x"}
            )
            latencies.append(time.perf_counter() - started)
            statuses.append(status)
            time.sleep(0.02)

    scanner = threading.Thread(target=scan_until_done)
    scanner.start()
    try:
        status, _, body = post_image(server, big.getvalue(), content_type="image/jpeg")
    finally:
        done.set()
        scanner.join()
    assert status == 200 and body["verdict"] == "allow", body
    assert statuses and set(statuses) == {200}
    # The image's CPU work runs in a thread beside the loop and Tesseract in a
    # process the loop waits on: a scan never waits for the check. Inline, the
    # worst scan waited about 80% of it; a busy machine slows a scan by a few
    # hundred ms at worst, and the check with it, so the bound is relative.
    p50, worst = percentile(latencies, 50) * 1000, max(latencies) * 1000
    print(
        f"\ntext scans during a 12 MP check: {len(latencies)}, p50 {p50:.0f} ms, "
        f"max {worst:.0f} ms; the image took {body['elapsed_ms']:.0f} ms"
    )
    assert worst < max(400, body["elapsed_ms"] / 2)


def test_without_tesseract_the_service_starts_scans_text_and_flags_images(
    tmp_path,
):
    empty = tmp_path / "bin"
    empty.mkdir()
    service = start_service(
        tmp_path / "home", tmp_path / "serve.log", PATH=str(empty), **ROOMY
    )
    try:
        _, _, health = service.request("GET", "/api/v1/health")
        images = json.loads(health)["images"]
        assert images == {
            "available": True,
            "ocr": {"available": False, "engine": None, "languages": []},
        }
        status, _, scan = service.request(
            "POST", "/api/v1/scan", {"text": f"card {CARD}", "platform": "x"}
        )
        assert status == 200 and json.loads(scan)["verdict"] == "block"
        status, _, body = post_image(service, clean_jpeg(), content_type="image/jpeg")
        assert status == 200
        assert body["checks"] == {
            "metadata": "done",
            "barcodes": "done",
            "text": "unavailable",
        }
        assert body["complete"] is False and body["verdict"] != "allow"
    finally:
        service.kill()


def test_images_checked_at_once_all_get_answers(server):
    shots = [screenshot(f"card {CARD}"), gps_jpeg(), clean_jpeg()]
    answers: list = [None] * len(shots)

    def send(n: int) -> None:
        answers[n] = post_image(server, shots[n], content_type="image/jpeg")

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(shots))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a[0] for a in answers] == [200, 200, 200]
    assert [a[2]["verdict"] for a in answers] == ["block", "warn", "allow"]


def test_a_check_out_of_time_on_the_server_is_never_clean(tmp_path):
    service = start_service(
        tmp_path / "home", tmp_path / "serve.log", POSTGUARD_IMAGE_BUDGET_MS="300"
    )
    # A page of text (40 lines, 6 megapixels): Tesseract needs seconds for it,
    # far past the budget on any machine.
    page = screenshot(
        *(f"{n:02d} refund card {CARD} called back, no answer" for n in range(40)),
        size=(2400, 2500),
    )
    try:
        for _ in range(2):  # the first also asks Tesseract its version
            status, _, body = post_image(service, page)
            assert status == 200
            assert body["checks"]["text"] == "timeout", body
            assert body["complete"] is False and body["verdict"] == "warn"
        assert "Traceback" not in service.log()
    finally:
        service.kill()
