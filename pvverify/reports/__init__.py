"""Every rendering of verdicts, one module per audience.

- `listing`: two paths side by side, AT&T syntax, at their real addresses
- `counterexample`: a counterexample in words (what differs, why it matters, the replay)
- `check_text`: `pvverify check` text and JSON lines
- `categories`: the reason categories (SARIF rules, report groups)
- `gate_text`: the gate's text report, grouped by op and reason
- `rows`: gate rows as JSON
- `sarif`, `junit`, `html`: CI and people

All read plain data (verdict.Result, gate.OutcomeResult rows, counterexample
dicts); none decides anything.
"""
