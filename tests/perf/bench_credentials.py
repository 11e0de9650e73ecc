"""How long signing and verifying one OpenBadgeCredential takes (eddsa-rdfc-2022, bundled
contexts, no network), and encoding a status list.

Not part of the test run (pytest ignores tests/perf). Run it as a script:

    PYTHONPATH=. python tests/perf/bench_credentials.py            # 200 of each
    PYTHONPATH=. python tests/perf/bench_credentials.py --count 1000

Printed: the median, 95th percentile and slowest time per credential for sign and verify (the
first, which fills pyld's context cache, is timed apart), and for encoding a full status list.
"""

import argparse
import copy
import statistics
import time

from lms.vc import keys, loader, proof, status_list


def credential(number: int, issuer: str) -> dict:
    return {
        "@context": [loader.VC_CONTEXT, loader.OB_CONTEXT],
        "id": f"https://lms.example/credentials/{number}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Peer Support Academy"},
        "validFrom": "2026-11-21T09:30:00Z",
        "validUntil": "2028-11-21T09:30:00Z",
        "name": "Certified Peer Supporter",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": f"Trainee {number}",
            "achievement": {
                "id": "https://lms.example/achievements/peer-support-foundations",
                "type": ["Achievement"],
                "name": "Peer Support Foundations",
                "description": "Completed the course and passed every quiz.",
                "criteria": {"narrative": "Pass all module quizzes and 20 supervised hours."},
            },
        },
        "credentialStatus": {
            "id": f"https://lms.example/status/1#{number}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(number),
            "statusListCredential": "https://lms.example/status/1",
        },
    }


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"{name:<22} median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms   "
        f"slowest {ordered[-1]:7.2f} ms   (n={len(ordered)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    count = parser.parse_args().count
    key = keys.generate()
    issuer = keys.did_key(key)
    documents = [credential(n, issuer) for n in range(count + 1)]

    signed = []
    first_sign = timed(
        lambda: signed.append(proof.sign(documents[0], key, key.id, "2026-11-21T09:30:00Z"))
    )
    sign_times = []
    for document in documents[1:]:
        sign_times.append(
            timed(
                lambda d=document: signed.append(proof.sign(d, key, key.id, "2026-11-21T09:30:00Z"))
            )
        )
    results = []
    verify_times = [
        timed(lambda s=s: results.append(proof.verify_proof(s, lambda m: None))) for s in signed[1:]
    ]
    assert all(r.ok for r in results)
    altered = copy.deepcopy(signed[1])
    altered["name"] = "Changed"
    assert not proof.verify_proof(altered, lambda m: None).ok
    revoked = list(range(0, status_list.LIST_SIZE, 97))
    encode_times = [timed(lambda: status_list.encode(revoked)) for _ in range(20)]

    print(f"first sign (fills the context cache): {first_sign:.2f} ms")
    print(summary("sign", sign_times))
    print(summary("verify", verify_times))
    print(summary("status list encode", encode_times))


if __name__ == "__main__":
    main()
