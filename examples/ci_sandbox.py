"""The sandbox behind the examples of docs/ci.md: crafted jobs, one of which moves on.

    python examples/ci_sandbox.py            # serves on 127.0.0.1:4599 until Ctrl-C

then, in another shell, the export lines it prints and the commands of docs/ci.md. Times
are relative to when it starts. Amplify job 42 of d1a2b3c4d5e6f7/main is PENDING; from
the first listing that asks for one job of that branch (the --max-items 1 watch) it turns
RUNNING 8 s later and SUCCEED 18 s later. Restart the script to replay it.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from jobctl.sandbox import Sandbox

APP, BRANCH, QUEUE = "d1a2b3c4d5e6f7", "main", "training"


def data(now: datetime) -> dict[str, Any]:
    def ago(**delta: float) -> str:
        return (now - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def batch(job_id: str, name: str, status: str, created: str, **extra: Any) -> dict[str, Any]:
        return {"jobId": job_id, "jobName": name, "status": status, "createdAt": created, **extra}

    def deploy(job_id: str, status: str, start: str, message: str) -> dict[str, Any]:
        return {"jobId": job_id, "status": status, "startTime": start, "commitMessage": message}

    return {
        "regions": {
            "us-east-1": {
                "amplify": {
                    "apps": [
                        {
                            "appId": APP,
                            "name": "storefront",
                            "branches": [
                                {
                                    "branchName": BRANCH,
                                    "jobs": [
                                        deploy("40", "SUCCEED", ago(days=2), "Bump deps"),
                                        deploy("41", "FAILED", ago(hours=26), "Try new CDN"),
                                        deploy("42", "PENDING", ago(minutes=1), "Add checkout"),
                                    ],
                                }
                            ],
                        }
                    ]
                },
                "batch": {
                    "queues": [
                        {
                            "jobQueueName": QUEUE,
                            "jobs": [
                                batch(
                                    "3f0c1a52-8c1e-4d7a-9b1e-0a4c2f1d7e01",
                                    "xgb-tune-0190",
                                    "FAILED",
                                    ago(hours=30),
                                    statusReason="AlgorithmError: bad hyperparameter",
                                ),
                                batch(
                                    "7a9e2b64-1d3f-4c8b-a2e5-5b6c7d8e9f02",
                                    "resnet-ft-0191",
                                    "SUCCEEDED",
                                    ago(hours=20),
                                ),
                                batch(
                                    "b41d3c75-2e4a-4d9c-b3f6-6c7d8e9fa003",
                                    "resnet-eval-0194",
                                    "FAILED",
                                    ago(hours=5),
                                    statusReason="AlgorithmError: CUDA out of memory",
                                ),
                                batch(
                                    "c52e4d86-3f5b-4eac-84a7-7d8e9fa0b104",
                                    "llama-sft-0193",
                                    "SUCCEEDED",
                                    ago(hours=2),
                                ),
                                batch(
                                    "d63f5e97-4a6c-4fbd-95b8-8e9fa0b1c205",
                                    "bert-pre-0195",
                                    "RUNNING",
                                    ago(minutes=30),
                                ),
                            ],
                        }
                    ]
                },
                "iot": {
                    "jobs": [
                        {
                            "jobId": "ota-2026-11-fw-3",
                            "status": "IN_PROGRESS",
                            "createdAt": ago(hours=3),
                        },
                        {
                            "jobId": "ota-2026-11-fw-2",
                            "status": "COMPLETED",
                            "createdAt": ago(hours=12),
                        },
                        {
                            "jobId": "ota-2026-10-fw-1",
                            "status": "COMPLETED",
                            "createdAt": ago(days=20),
                        },
                    ]
                },
            }
        }
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=4599)
    port = parser.parse_args().port
    path = Path(tempfile.mkdtemp()) / "ci-data.json"
    path.write_text(json.dumps(data(datetime.now(timezone.utc))))
    started = threading.Event()
    holder: list[Sandbox] = []

    def move_on() -> None:
        update = holder[0].data.update_job
        time.sleep(8)
        update("amplify", "42", status="RUNNING")
        time.sleep(10)
        update("amplify", "42", status="SUCCEED", endTime=datetime.now(timezone.utc))

    def on_request(record: Any) -> None:
        params = record.params
        watching = params.get("branchName") == BRANCH and params.get("maxResults") == 1
        if record.operation == "ListJobs" and watching and not started.is_set():
            started.set()
            threading.Thread(target=move_on, daemon=True).start()

    with Sandbox(data_file=path, port=port, on_request=on_request) as sandbox:
        holder.append(sandbox)
        print(f"export AWS_ENDPOINT_URL={sandbox.endpoint_url} AWS_REGION=us-east-1")
        print("export AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
