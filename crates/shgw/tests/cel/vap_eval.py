"""Evaluates a ValidatingAdmissionPolicy's CEL the way the API server's admission step uses it.

Reads one JSON document on stdin: {"policy": <the policy object>, "cases": [{"request": ...,
"object": ..., "oldObject": ...}, ...]} and writes one JSON list on stdout, a verdict per case:
{"matched": bool, "allowed": bool, "denied_by": [message, ...], "errors": [text, ...]}.

The steps follow the Kubernetes documentation of ValidatingAdmissionPolicy (1.30):
1. the request must match a `matchConstraints.resourceRules` entry (group, version, resource,
   operation, resource name);
2. every `matchConditions` expression must be true (false: the policy does not apply; an
   error: the failure policy decides, here `Fail`, so denied);
3. `variables` are evaluated in order and reachable as `variables.<name>` (the API server
   evaluates them lazily; these never fail, so eager evaluation gives the same results);
4. every `validations` expression must be true; false denies with its message, an error denies
   under `failurePolicy: Fail`.

Expressions are compiled and run by cel-expr-python (Google's CEL runtime, cel-cpp) with
`object`, `oldObject`, `request` and `variables` as dynamic values (JSON). The API server also
type-checks each expression against the objects' OpenAPI schemas when the policy is created;
that step is not done here (see the test for what it covers instead).
"""

import json
import sys

from cel_expr_python import cel


def compile_all(env, expressions):
    return [env.compile(e) for e in expressions]


def run(expr, data):
    """(value, error text)."""
    try:
        value = expr.eval(data=data).value()
    except Exception as e:  # an evaluation error
        return None, str(e)
    if not isinstance(value, bool):
        return None, f"not a boolean: {value!r}"
    return value, None


def matches(policy, request):
    rules = policy["spec"]["matchConstraints"]["resourceRules"]
    res = request["resource"]
    for r in rules:
        if (
            res["group"] in r["apiGroups"]
            and res["version"] in r["apiVersions"]
            and res["resource"] in r["resources"]
            and request["operation"] in r["operations"]
            and (not r.get("resourceNames") or request["name"] in r["resourceNames"])
        ):
            return True
    return False


def main():
    doc = json.load(sys.stdin)
    policy = doc["policy"]
    spec = policy["spec"]
    env = cel.NewEnv(
        variables={
            "object": cel.Type.DYN,
            "oldObject": cel.Type.DYN,
            "request": cel.Type.DYN,
            "variables": cel.Type.DYN,
        }
    )
    conditions = [(c["name"], env.compile(c["expression"])) for c in spec.get("matchConditions", [])]
    variables = [(v["name"], env.compile(v["expression"])) for v in spec.get("variables", [])]
    validations = [(v.get("message", v["expression"]), env.compile(v["expression"])) for v in spec["validations"]]
    out = []
    for case in doc["cases"]:
        data = {
            "object": case["object"],
            "oldObject": case["oldObject"],
            "request": case["request"],
            "variables": {},
        }
        verdict = {"matched": False, "allowed": True, "denied_by": [], "errors": []}
        out.append(verdict)
        if not matches(policy, case["request"]):
            continue
        applies = True
        for name, expr in conditions:
            value, error = run(expr, data)
            if error is not None:
                verdict["errors"].append(f"matchCondition {name}: {error}")
            elif not value:
                applies = False
        if not applies and not verdict["errors"]:
            continue
        verdict["matched"] = True
        if verdict["errors"]:
            verdict["allowed"] = False  # failurePolicy: Fail
            continue
        values = {}
        for name, expr in variables:
            try:
                values[name] = expr.eval(data=dict(data, variables=values)).value()
            except Exception as e:
                verdict["errors"].append(f"variable {name}: {e}")
        data["variables"] = values
        for message, expr in validations:
            value, error = run(expr, data)
            if error is not None:
                verdict["errors"].append(f"{message}: {error}")
                verdict["allowed"] = False
            elif not value:
                verdict["denied_by"].append(message)
                verdict["allowed"] = False
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
