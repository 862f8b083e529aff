"""Recorded versions: what an assessment stores so that its bill can be recomputed exactly as it
was issued, whatever the policy table says later. The record holds the engine version, the
inputs and every policy row used (their values, not references to rows that can change).
"""

from levy.rules import ENGINE_VERSION, LevyInputs, LevyResult, Policy, PolicyRow, calculate_levy

# Every engine version that issued bills stays callable here; a new version adds a line.
ENGINES = {"1": calculate_levy}


def policy_snapshot(policy: Policy) -> dict:
    """A JSON-able copy of a resolved policy: its region, year and the rows it used."""
    return {
        "region_code": policy.region_code,
        "collection_year": policy.collection_year,
        "rows": {name: row.to_json() for name, row in policy.rows.items()},
    }


def policy_from_snapshot(snapshot: dict) -> Policy:
    """The Policy a snapshot describes, rebuilt from the stored row values alone."""
    rows = {name: PolicyRow.from_json(data) for name, data in snapshot["rows"].items()}
    return Policy.from_rows(snapshot["region_code"], snapshot["collection_year"], rows)


def levy_record(inputs: LevyInputs, policy: Policy) -> dict:
    """What to store with an assessment (a JSONField): engine version, inputs, policy rows."""
    return {"engine_version": ENGINE_VERSION, "inputs": inputs.to_json(), "policy": policy_snapshot(policy)}


def levy_recompute(record: dict) -> LevyResult:
    """The assessment as it was issued: the recorded engine over the recorded inputs and rows."""
    version = record["engine_version"]
    if version not in ENGINES:
        raise ValueError(f"engine version {version!r} is not kept in levy.versions.ENGINES")
    return ENGINES[version](LevyInputs.from_json(record["inputs"]), policy_from_snapshot(record["policy"]))
