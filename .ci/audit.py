"""Audit the pinned dependencies for known vulnerabilities with pip-audit.

Fails (exit 1) on any known vulnerability. pip-audit itself reports "No known
vulnerabilities found" even when it could not look a single package up (it
skips them), so this script counts the skipped ones and says so plainly:
where the vulnerability service cannot be reached at all, the audit is
reported as NOT DONE, and fails only when AUDIT_REQUIRED=true.
"""

import json
import os
import subprocess
import sys

REQUIREMENTS = ["requirements.txt", "requirements-dev.txt"]


def main() -> int:
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"]
    for path in REQUIREMENTS:
        command += ["-r", path]
    completed = subprocess.run(command, capture_output=True, text=True)
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        print(completed.stderr.strip() or completed.stdout.strip(), file=sys.stderr)
        return _unreachable("pip-audit gave no report")
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
    if vulnerable:
        return 1
    audited = len(dependencies) - len(skipped)
    if audited == 0:
        first = skipped[0]["skip_reason"]
        return _unreachable(f"none of {len(dependencies)} dependencies could be looked up ({first})")
    print(f"pip-audit: {audited} dependencies audited, no known vulnerability; {len(skipped)} skipped.")
    for dependency in skipped:
        print(f"  skipped {dependency['name']}: {dependency['skip_reason']}")
    return 0


def _unreachable(reason: str) -> int:
    print(f"pip-audit: AUDIT NOT DONE, the vulnerability data could not be reached: {reason}.")
    return 1 if os.environ.get("AUDIT_REQUIRED", "").lower() == "true" else 0


if __name__ == "__main__":
    sys.exit(main())
