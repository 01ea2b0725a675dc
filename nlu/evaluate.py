"""How good the NLU is on the held-out sets, and whether that clears nlu/quality_gates.yml.

Two sources: `rasa test nlu` on nlu/tests/test_nlu.yml (per-intent F1, the model alone), and
the app's own client on the same texts, on nlu/tests/test_nlu_blind.yml (figures prefixed
`blind_`) and on nlu/tests/entities.yml (what flows really get: the intent within the audience,
the confidence threshold, resolved entities). The gates are checked on the client's figures,
because that is what customers and drivers experience.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from bot.settings import PROJECT_ROOT
from nlu.client import FALLBACK, OUT_OF_SCOPE, NluClient
from nlu.language import detect_language
from nlu.understanding import DRIVER_INTENTS, Audience

NLU_DIR = PROJECT_ROOT / "nlu"
TEST_NLU = NLU_DIR / "tests" / "test_nlu.yml"
TEST_ENTITIES = NLU_DIR / "tests" / "entities.yml"
# Written blind (before reading nlu/data closely) in real customers' and drivers' style; scored
# under the same names with a `blind_` prefix.
TEST_BLIND = NLU_DIR / "tests" / "test_nlu_blind.yml"
GATES_FILE = NLU_DIR / "quality_gates.yml"
RESULTS_DIR = NLU_DIR / "results"

# The targets; nlu/quality_gates.yml (the NLU data owner's file) overrides them.
DEFAULT_GATES: dict[str, float] = {
    "intent_accuracy": 0.95,
    "spanish_intent_accuracy": 0.92,
    "driver_intent_accuracy": 0.95,
    "tracking_number": 0.98,
    "access_code": 0.95,
    "date": 0.90,
    "window": 0.85,
}
ENTITY_KEYS = (
    "tracking_number",
    "access_code",
    "address",
    "date",
    "after",
    "before",
    "delay_minutes",
    "stop",
)
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


class EvaluationError(ValueError):
    """A test file is missing or malformed; the message names the file and the case."""


def load_gates(path: Path = GATES_FILE) -> dict[str, float]:
    """The thresholds CI enforces; written with the defaults if the file does not exist."""
    if not path.exists():
        path.write_text(
            "# NLU quality gates: `doorstep nlu test` and the rasa pytest gate fail below these.\n"
            "# Measured on nlu/tests/ (never trained on) through the app's client.\n"
            + yaml.safe_dump(DEFAULT_GATES, sort_keys=False)
        )
    loaded = yaml.safe_load(path.read_text()) or {}
    if not isinstance(loaded, dict):
        raise EvaluationError(f"{path}: expected a mapping of gate name to threshold")
    gates = dict(DEFAULT_GATES)
    for key, value in loaded.items():
        if not isinstance(value, int | float):
            raise EvaluationError(f"{path}: gate {key!r} must be a number, got {value!r}")
        gates[str(key)] = float(value)
    return gates


@dataclass(frozen=True, slots=True)
class IntentExample:
    text: str
    intent: str


def load_intent_examples(path: Path = TEST_NLU) -> list[IntentExample]:
    """The held-out examples in Rasa's YAML format, annotations stripped to the plain text."""
    if not path.exists():
        raise EvaluationError(f"{path} not found: the held-out NLU test set is missing")
    data = yaml.safe_load(path.read_text()) or {}
    examples: list[IntentExample] = []
    for block in data.get("nlu") or []:
        intent = block.get("intent") if isinstance(block, dict) else None
        if not intent:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = _ANNOTATION.sub(r"\1", line[2:].strip())
                examples.append(IntentExample(text, intent))
    if not examples:
        raise EvaluationError(f"{path}: no intent examples found")
    return examples


def audience_of(intent: str) -> Audience:
    return "driver" if intent in DRIVER_INTENTS else "customer"


def _correct(expected: str, predicted: str) -> bool:
    if expected in (OUT_OF_SCOPE, FALLBACK):
        return predicted in (OUT_OF_SCOPE, FALLBACK)
    return expected == predicted


@dataclass
class Score:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None


@dataclass
class Report:
    scores: dict[str, Score] = field(default_factory=lambda: defaultdict(Score))
    per_intent_f1: dict[str, dict[str, float]] = field(default_factory=dict)
    rasa_accuracy: float | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)

    def figures(self) -> dict[str, float | None]:
        return {name: score.value for name, score in sorted(self.scores.items())}

    def check(self, gates: dict[str, float]) -> list[str]:
        """The gates not met (a gate with no cases is not met: nothing was measured)."""
        missed = []
        for name, threshold in gates.items():
            value = self.scores[name].value if name in self.scores else None
            if value is None:
                missed.append(f"{name}: no test cases measured it (gate {threshold:.2f})")
            elif value < threshold:
                missed.append(f"{name}: {value:.3f} < {threshold:.2f}")
        return missed


async def evaluate_intents(
    client: NluClient, examples: list[IntentExample], report: Report, *, prefix: str = ""
) -> None:
    """Intent accuracy through the client: overall, Spanish, drivers (names start with prefix)."""
    now = datetime(2026, 11, 18, 10, 0)
    for example in examples:
        audience = audience_of(example.intent)
        result = await client.parse(example.text, audience=audience, now=now, tz="America/New_York")
        ok = _correct(example.intent, result.intent)
        report.scores[f"{prefix}intent_accuracy"].add(ok)
        # For comparison: the best intent in the audience, before the confidence threshold.
        top = result.ranking[0][0] if result.ranking else result.intent
        report.scores[f"{prefix}intent_accuracy_before_threshold"].add(
            _correct(example.intent, top)
        )
        if audience == "driver":
            report.scores[f"{prefix}driver_intent_accuracy"].add(ok)
        else:
            report.scores[f"{prefix}customer_intent_accuracy"].add(ok)
        if detect_language(example.text) == "es":
            report.scores[f"{prefix}spanish_intent_accuracy"].add(ok)
        if not ok:
            report.failures.append(
                {
                    **({"set": prefix.rstrip("_")} if prefix else {}),
                    "text": example.text,
                    "expected": example.intent,
                    "got": result.intent,
                    "confidence": round(result.confidence, 3),
                }
            )


def load_entity_cases(path: Path = TEST_ENTITIES) -> tuple[datetime, str, list[dict[str, Any]]]:
    if not path.exists():
        raise EvaluationError(f"{path} not found: the entity test set is missing")
    data = yaml.safe_load(path.read_text()) or {}
    try:
        now = datetime.fromisoformat(str(data["now"]))
        tz = str(data.get("tz") or "America/New_York")
        cases = list(data["cases"])
    except (KeyError, TypeError, ValueError) as exc:
        raise EvaluationError(f"{path}: needs `now` (ISO-8601), `tz` and `cases`: {exc}") from exc
    for number, case in enumerate(cases, 1):
        if not isinstance(case, dict) or not isinstance(case.get("text"), str):
            raise EvaluationError(f"{path}: case {number} has no `text`")
        unknown = set(case.get("expect") or {}) - set(ENTITY_KEYS)
        if unknown:
            raise EvaluationError(f"{path}: case {number} expects unknown keys {sorted(unknown)}")
    return now, tz, cases


def _same(expected: Any, got: Any) -> bool:
    if expected is None:
        return got is None
    if isinstance(expected, str) and isinstance(got, str):
        return expected.strip().casefold() == got.strip().casefold()
    return str(expected) == str(got)


async def evaluate_entities(
    client: NluClient, now: datetime, tz: str, cases: list[dict[str, Any]], report: Report
) -> None:
    """Resolved entities against the expectations; only the listed keys are checked."""
    for case in cases:
        audience: Audience = case.get("audience") or "customer"
        result = await client.parse(case["text"], audience=audience, now=now, tz=tz)
        got = result.entities.as_json()
        expect = case.get("expect") or {}
        wrong: dict[str, Any] = {}
        for key, expected in expect.items():
            if key in ("after", "before"):
                continue
            ok = _same(expected, got.get(key))
            report.scores[key].add(ok)
            if not ok:
                wrong[key] = {"expected": expected, "got": got.get(key)}
        window_keys = [k for k in ("after", "before") if k in expect]
        if window_keys:
            ok = all(_same(expect[k], got.get(k)) for k in window_keys)
            report.scores["window"].add(ok)
            if not ok:
                wrong["window"] = {
                    "expected": {k: expect[k] for k in window_keys},
                    "got": {k: got.get(k) for k in window_keys},
                }
        if case.get("intent"):
            ok = _correct(case["intent"], result.intent)
            report.scores["entity_cases_intent"].add(ok)
            if not ok:
                wrong["intent"] = {"expected": case["intent"], "got": result.intent}
        if case.get("language"):
            ok = case["language"] == result.language
            report.scores["language"].add(ok)
            if not ok:
                wrong["language"] = {"expected": case["language"], "got": result.language}
        if wrong:
            report.failures.append({"text": case["text"], **wrong})


def run_rasa_test(model: Path, *, test_file: Path = TEST_NLU, out: Path = RESULTS_DIR) -> Path:
    """`rasa test nlu` on the held-out set; returns the path of intent_report.json."""
    from nlu.server import PROJECT_ROOT as root
    from nlu.server import rasa_env, rasa_executable

    out.mkdir(parents=True, exist_ok=True)
    command = [
        str(rasa_executable()),
        "test",
        "nlu",
        "-u",
        str(test_file),
        "-m",
        str(model),
        "--out",
        str(out),
        "--no-plot",
        "--successes",
    ]
    completed = subprocess.run(
        command, cwd=root / "var", env=rasa_env(), capture_output=True, text=True
    )
    report = out / "intent_report.json"
    # `rasa test nlu` exits 0 even on poor results; the report file is what counts.
    if completed.returncode != 0 or not report.exists():
        tail = "\n".join((completed.stdout + completed.stderr).splitlines()[-25:])
        raise EvaluationError(f"`rasa test nlu` failed (exit {completed.returncode}):\n{tail}")
    return report


def read_intent_report(path: Path, report: Report) -> None:
    data = json.loads(path.read_text())
    report.rasa_accuracy = data.get("accuracy")
    for name, row in data.items():
        if isinstance(row, dict) and "f1-score" in row and "avg" not in name:
            report.per_intent_f1[name] = {
                "precision": row.get("precision", 0.0),
                "recall": row.get("recall", 0.0),
                "f1": row["f1-score"],
                "support": row.get("support", 0),
            }


async def evaluate(client: NluClient, *, entity_cases: bool = True) -> Report:
    """The held-out sets (intents, blind intents, entities) through the client (Rasa running)."""
    report = Report()
    await evaluate_intents(client, load_intent_examples(), report)
    if TEST_BLIND.exists():
        await evaluate_intents(client, load_intent_examples(TEST_BLIND), report, prefix="blind_")
    if entity_cases:
        now, tz, cases = load_entity_cases()
        await evaluate_entities(client, now, tz, cases, report)
    return report
