from ruleledger import pay, project, run


def notice(code, stage, posted, until):
    return f'{posted} custom "notice" "{code}" "{stage}"\n  until: {until}\n'


def later(day="2025-06-30"):  # the books go on past the completion grace period
    return f'{day} * "结息"\n  Assets:Bank:ICBC-2345  1.00 CNY\n  Assets:Treasury:PBC-0001\n'


def test_plan_notice_too_late_and_no_completion_notice(tmp_path):
    found = run(tmp_path, "not-disclosed", project("P1", start="2024-03-20"),
                notice("P1", "plan", "2024-03-15", "2024-03-27"),
                pay("2024-04-01", "甲公司", "100000.00", "P1", "V-1"),
                '2024-10-28 custom "acceptance" "P1"\n', later())
    assert {dict(f.facets)["stage"]: f.links for f in found} == {
        "plan": ("P1", "V-1"), "completion": ("P1",)}


def test_notices_in_time_and_a_completion_still_within_grace_pass(tmp_path):
    found = run(tmp_path, "not-disclosed", project("P1", start="2024-03-20"),
                project("P2", start="2024-03-20"),
                notice("P1", "plan", "2024-03-08", "2024-03-20"),
                notice("P2", "plan", "2024-03-08", "2024-03-20"),
                pay("2024-04-01", "甲公司", "100000.00", "P1", "V-1"),
                pay("2024-04-01", "甲公司", "100000.00", "P2", "V-2"),
                '2024-10-28 custom "acceptance" "P1"\n', notice("P1", "completion", "2024-10-31", "2024-11-12"),
                '2024-12-20 custom "acceptance" "P2"\n', later("2024-12-31"))
    assert found == []


def test_each_acceptance_of_a_project_accepted_twice_is_judged(tmp_path):
    # P1 accepted twice (a re-acceptance after rework): the completion notice follows the first
    # acceptance only, so the second is a finding of its own; P2's one acceptance is judged too
    found = run(tmp_path, "not-disclosed", project("P1", start="2024-03-20"),
                project("P2", start="2024-03-20"),
                notice("P1", "plan", "2024-03-08", "2024-03-20"),
                notice("P2", "plan", "2024-03-08", "2024-03-20"),
                pay("2024-04-01", "甲公司", "100000.00", "P1", "V-1"),
                pay("2024-04-01", "乙公司", "80000.00", "P2", "V-2"),
                '2024-09-02 custom "acceptance" "P1"\n',
                notice("P1", "completion", "2024-09-05", "2024-09-20"),
                '2024-10-28 custom "acceptance" "P1"\n',
                '2024-11-04 custom "acceptance" "P2"\n', later())
    assert sorted((f.links, f.date.isoformat()) for f in found) == [
        (("P1",), "2024-10-28"), (("P2",), "2024-11-04")]
