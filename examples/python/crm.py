#!/usr/bin/env python3
"""A CRM's day through the techsales C interface from Python (ctypes).

Classifies customers, grades opportunities one at a time and as a batch,
runs a key-account deal with a forced stage change and a diagnosis, and
stores states as JSON and loads them back. Every result is checked; any
mismatch exits non-zero.

    python3 examples/python/crm.py [path/to/libtechsales.so]

Without an argument the library is looked for in $TECHSALES_LIB, then
target/debug and target/release. The enum codes are read from
include/techsales.h, so they never drift from the library's.
"""

import ctypes as C
import datetime
import json
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def find_library():
    if len(sys.argv) > 1:
        return sys.argv[1]
    if os.environ.get("TECHSALES_LIB"):
        return os.environ["TECHSALES_LIB"]
    for profile in ("debug", "release"):
        path = os.path.join(ROOT, "target", profile, "libtechsales.so")
        if os.path.exists(path):
            return path
    sys.exit("libtechsales.so not found; run `cargo build` or pass its path")


def header_constants():
    """Every TECHSALES_* constant of the header, by name."""
    text = open(os.path.join(ROOT, "include", "techsales.h"), encoding="utf-8").read()
    found = {}
    for name, value in re.findall(r"\b(TECHSALES_[A-Z0-9_]+) = (\d+),", text):
        found[name] = int(value)
    for name, value in re.findall(r"#define (TECHSALES_[A-Z0-9_]+) (\d+)u?\b", text):
        found[name] = int(value)
    return found


K = header_constants()
lib = C.CDLL(find_library())

# Opaque handles are void pointers; results are uint32_t codes.
H = C.c_void_p
R = C.c_uint32
P = C.POINTER


def proto(name, *args):
    fn = getattr(lib, name)
    fn.argtypes = list(args)
    fn.restype = R
    return fn


class Movement(C.Structure):
    _fields_ = [("from_", C.c_uint32), ("to", C.c_uint32), ("at", C.c_int64)]


class Policy(C.Structure):
    _fields_ = [
        ("effort", C.c_uint32),
        ("enter_sales_process", C.c_bool),
        ("maintain_customer", C.c_bool),
        ("review_every_days", C.c_uint16),
    ]


class Summary(C.Structure):
    _fields_ = [("graded", C.c_size_t), ("failed", C.c_size_t), ("invalid", C.c_size_t)]


lib.techsales_version.restype = C.c_char_p
lib.techsales_last_error_message.restype = C.c_char_p
lib.techsales_string_free.argtypes = [C.c_void_p]
lib.techsales_string_free.restype = None
for free in ("customer", "grader", "key_account", "key_account_definition", "cycle"):
    fn = getattr(lib, "techsales_%s_free" % free)
    fn.argtypes = [H]
    fn.restype = None

S = C.c_char_p
u32, i32, i64, f64 = C.c_uint32, C.c_int32, C.c_int64, C.c_double
OUT_STR = P(C.c_void_p)

enum_label = proto("techsales_enum_label", u32, u32, u32, P(S))
classify = proto("techsales_classify", f64, f64, f64, f64, P(u32))
customer_new = proto("techsales_customer_new", S, S, f64, f64, f64, f64, i64, P(H))
customer_reclassify = proto(
    "techsales_customer_reclassify", H, f64, f64, f64, f64, i64, S, P(C.c_bool)
)
customer_type = proto("techsales_customer_type", H, P(u32))
customer_history_get = proto("techsales_customer_history_get", H, C.c_size_t, P(Movement))
customer_to_json = proto("techsales_customer_to_json", H, OUT_STR)
customer_from_json = proto("techsales_customer_from_json", S, P(H))
date_from_ymd = proto("techsales_date_from_ymd", i32, u32, u32, P(i32))
grader_new = proto("techsales_grader_new", S, P(H))
grader_grade = proto(
    "techsales_grader_grade", H, P(f64), i32, i32, f64, P(u32), P(u32), P(f64)
)
grader_explain = proto(
    "techsales_grader_explain", H, P(f64), i32, i32, f64, u32, C.c_bool, OUT_STR
)
grader_policy = proto("techsales_grader_policy", H, u32, P(Policy))
grader_grade_columns = proto(
    "techsales_grader_grade_columns",
    H, i32, P(P(f64)), P(i32), P(f64), C.c_size_t, P(u32), P(u32), P(f64), P(Summary),
)
ka_definition_new = proto("techsales_key_account_definition_new", S, P(H))
ka_new = proto("techsales_key_account_new", i64, P(H))
ka_advance = proto("techsales_key_account_advance", H, H, i64, S)
ka_force = proto("techsales_key_account_force_advance", H, H, i64, S, S)
ka_grade = proto("techsales_key_account_grade", H, H, i64, S, u32, S)
ka_contact = proto(
    "techsales_key_account_set_contact", H, H, i64, S, S, S, u32, u32, C.c_bool, u32
)
ka_observe = proto("techsales_key_account_observe_step", H, H, i64, S, u32)
ka_status = proto("techsales_key_account_status", H, P(u32), P(C.c_bool), P(u32))
ka_missing = proto("techsales_key_account_missing_nodes", H, H, P(u32))
ka_probability = proto("techsales_key_account_win_probability", H, H, P(f64))
ka_diagnose = proto("techsales_key_account_diagnose", H, H, u32, C.c_bool, OUT_STR)
ka_to_json = proto("techsales_key_account_to_json", H, OUT_STR)
ka_from_json = proto("techsales_key_account_from_json", H, S, P(H))

failures = 0


def check(condition, what):
    global failures
    if not condition:
        print("check failed: %s" % what, file=sys.stderr)
        failures += 1


class Failed(Exception):
    pass


def ok(result, what):
    if result != K["TECHSALES_RESULT_OK"]:
        raise Failed("%s: %d %s" % (what, result, lib.techsales_last_error_message().decode()))


def owned(call, what):
    """Calls a function that writes an owned string; returns it as str."""
    out = C.c_void_p()
    ok(call(C.byref(out)), what)
    try:
        return C.string_at(out.value).decode("utf-8")
    finally:
        lib.techsales_string_free(out)


def handle(call, what):
    out = H()
    ok(call(C.byref(out)), what)
    return out


T0 = 1767225600  # 2026-01-01T00:00:00Z
DAY = 86400
EPOCH = datetime.date(1970, 1, 1)


def day(y, m, d):
    return (datetime.date(y, m, d) - EPOCH).days


def customers():
    book = [
        ("C-1", 72.0, 35.0, "OPPORTUNITY"),
        ("C-2", 20.0, 80.0, "LOYAL"),
        ("C-3", 85.0, 90.0, "STRATEGIC"),
        ("C-4", 10.0, 15.0, "MARKET_TAKER"),
    ]
    for cid, assistance, loyalty, expected in book:
        t = u32(99)
        ok(classify(assistance, loyalty, 50.0, 50.0, C.byref(t)), "classify")
        check(t.value == K["TECHSALES_CUSTOMER_TYPE_" + expected], cid)
        label = S()
        ok(enum_label(K["TECHSALES_ENUM_KIND_CUSTOMER_TYPE"], t.value,
                      K["TECHSALES_LANGUAGE_CHINESE"], C.byref(label)), "label")
        print("customer %s: %s" % (cid, label.value.decode("utf-8")))

    acme = handle(lambda out: customer_new(b"C-1", b"Acme", 72.0, 35.0, 50.0, 50.0, T0, out),
                  "customer_new")
    try:
        changed = C.c_bool(False)
        ok(customer_reclassify(acme, 75.0, 61.0, 50.0, 50.0, T0 + 180 * DAY,
                               b"joint planning started", C.byref(changed)), "reclassify")
        check(changed.value, "reclassified")
        m = Movement()
        ok(customer_history_get(acme, 0, C.byref(m)), "history")
        check((m.from_, m.to, m.at) == (K["TECHSALES_CUSTOMER_TYPE_OPPORTUNITY"],
                                       K["TECHSALES_CUSTOMER_TYPE_STRATEGIC"],
                                       T0 + 180 * DAY), "movement")
        stored = owned(lambda out: customer_to_json(acme, out), "to_json")
        copy = handle(lambda out: customer_from_json(stored.encode(), out), "from_json")
        try:
            check(owned(lambda out: customer_to_json(copy, out), "to_json") == stored,
                  "customer round trip")
        finally:
            lib.techsales_customer_free(copy)
    finally:
        lib.techsales_customer_free(acme)
    print("customer C-1 reclassified and stored")


def grading():
    grader = handle(lambda out: grader_new(None, out), "grader_new")
    try:
        as_of, q1 = day(2026, 1, 15), day(2026, 3, 31)
        days = i32()
        ok(date_from_ymd(2026, 1, 15, C.byref(days)), "date")
        check(days.value == as_of, "days since the epoch agree")
        good = (f64 * 9)(7, 7, 7, 7, 7, 7, 4, 7, 7)
        status, grade, score = u32(99), u32(99), f64(-1)
        ok(grader_grade(grader, good, q1, as_of, 0.75, C.byref(status), C.byref(grade),
                        C.byref(score)), "grade")
        check(status.value == K["TECHSALES_GRADE_ITEM_STATUS_GRADED"], "graded")
        check(grade.value == K["TECHSALES_GRADE_A"], "grade A")
        check(abs(score.value - 6.7) < 1e-9, "score 6.7")
        print("opportunity graded A, score %.1f" % score.value)
        explanation = json.loads(owned(
            lambda out: grader_explain(grader, good, q1, as_of, 0.75, 0, False, out),
            "explain"))
        check(explanation["grade"] == "a" and len(explanation["factors"]) == 9, "explanation")
        policy = Policy()
        ok(grader_policy(grader, K["TECHSALES_GRADE_A"], C.byref(policy)), "policy")
        check(policy.enter_sales_process and policy.review_every_days == 7, "policy of A")

        # The batch, column by column: good, knocked out, bad possibility, slipped.
        n = 4
        rows = [list(good), [7, 1, 7, 7, 7, 7, 4, 7, 7], list(good), list(good)]
        columns = [(f64 * n)(*[rows[i][f] for i in range(n)]) for f in range(9)]
        ratings = (P(f64) * 9)(*[C.cast(c, P(f64)) for c in columns])
        close = (i32 * n)(q1, q1, q1, day(2026, 12, 1))
        possibility = (f64 * n)(0.75, 0.9, 1.2, 0.4)
        statuses, grades, scores = (u32 * n)(), (u32 * n)(), (f64 * n)()
        summary = Summary()
        ok(grader_grade_columns(grader, as_of, ratings, close, possibility, n, statuses, grades,
                                scores, C.byref(summary)), "grade_columns")
        check(list(statuses) == [K["TECHSALES_GRADE_ITEM_STATUS_GRADED"],
                                 K["TECHSALES_GRADE_ITEM_STATUS_GIVE_UP"],
                                 K["TECHSALES_GRADE_ITEM_STATUS_INVALID_POSSIBILITY"],
                                 K["TECHSALES_GRADE_ITEM_STATUS_GRADED"]], "statuses")
        check(list(grades) == [K["TECHSALES_GRADE_A"], K["TECHSALES_NO_GRADE"],
                               K["TECHSALES_NO_GRADE"], K["TECHSALES_GRADE_C"]], "grades")
        check(math.isnan(scores[2]), "refused item has a NaN score")
        check((summary.graded, summary.failed, summary.invalid) == (2, 1, 1), "summary")
        print("batch: %d graded, %d failed, %d invalid"
              % (summary.graded, summary.failed, summary.invalid))
    finally:
        lib.techsales_grader_free(grader)


def key_account():
    definition = handle(lambda out: ka_definition_new(None, out), "definition")
    deal = handle(lambda out: ka_new(T0, out), "deal")
    t = [T0]

    def at():
        t[0] += DAY
        return t[0]

    def stage(d):
        s, open_, outcome = u32(99), C.c_bool(), u32(99)
        ok(ka_status(d, C.byref(s), C.byref(open_), C.byref(outcome)), "status")
        return s.value

    def probability():
        p = f64(-1)
        ok(ka_probability(deal, definition, C.byref(p)), "probability")
        return p.value

    me = b"li.wei"
    try:
        check(ka_advance(deal, definition, at(), me) == K["TECHSALES_RESULT_REFUSED_TRANSITION"],
              "advance refused before grading")
        missing = u32()
        ok(ka_missing(deal, definition, C.byref(missing)), "missing")
        check(missing.value == 1 << K["TECHSALES_KEY_NODE_OPPORTUNITY_GRADED"], "missing node")
        ok(ka_grade(deal, definition, at(), me, K["TECHSALES_GRADE_A"], b"budget approved"),
           "grade")
        ok(ka_advance(deal, definition, at(), me), "advance")
        ok(ka_contact(deal, definition, at(), me, b"c1", b"Wang", K["TECHSALES_BUYING_ROLE_COACH"],
                      K["TECHSALES_INFLUENCE_DEGREE_MEDIUM"], True,
                      K["TECHSALES_ATTITUDE_NEUTRAL"]), "coach")
        ok(ka_contact(deal, definition, at(), me, b"e1", b"Zhao",
                      K["TECHSALES_BUYING_ROLE_ECONOMIC_BUYER"],
                      K["TECHSALES_INFLUENCE_DEGREE_HIGH"], True,
                      K["TECHSALES_ATTITUDE_SUPPORTIVE"]), "economic buyer")
        ok(ka_advance(deal, definition, at(), me), "advance")
        check(stage(deal) == K["TECHSALES_KEY_ACCOUNT_STAGE_PROPOSAL"], "in proposal")
        before = probability()
        ok(ka_observe(deal, definition, at(), me,
                      K["TECHSALES_PROCUREMENT_STEP_BIDDING_AND_EVALUATION"]), "observe")
        diagnosis = json.loads(owned(
            lambda out: ka_diagnose(deal, definition, 0, False, out), "diagnose"))
        check(diagnosis["verdict"] == "behind_customer", "diagnosis: %s" % diagnosis["verdict"])
        report = owned(lambda out: ka_diagnose(deal, definition, 1, True, out), "diagnose")
        check("落后" in report, "report in Chinese")
        ok(ka_force(deal, definition, at(), me, b"tender published early"), "force")
        check(stage(deal) == K["TECHSALES_KEY_ACCOUNT_STAGE_BIDDING"], "forced into bidding")
        after = probability()
        check(abs(before - 0.4) < 1e-12 and abs(after - 0.3) < 1e-12, "probability cut")
        print("forced into bidding: win probability %.2f -> %.2f" % (before, after))

        stored = owned(lambda out: ka_to_json(deal, out), "to_json")
        check(json.loads(stored)["journal"][-1]["event"]["type"] == "forced_advance",
              "the forcing is in the journal")
        loaded = handle(lambda out: ka_from_json(definition, stored.encode(), out), "from_json")
        try:
            check(owned(lambda out: ka_to_json(loaded, out), "to_json") == stored,
                  "deal round trip")
        finally:
            lib.techsales_key_account_free(loaded)
        bad = H()
        tampered = stored.replace('"bidding"', '"proposal"', 1).encode()
        check(ka_from_json(definition, tampered, C.byref(bad))
              == K["TECHSALES_RESULT_INVALID_JSON"], "tampered document refused")
        check(bad.value is None, "nothing written on refusal")
        print("key-account deal stored and loaded back")
    finally:
        lib.techsales_key_account_free(deal)
        lib.techsales_key_account_definition_free(definition)


def main():
    check(lib.techsales_version().decode() == "%d.%d.%d" % (
        K["TECHSALES_VERSION_MAJOR"], K["TECHSALES_VERSION_MINOR"], K["TECHSALES_VERSION_PATCH"]),
        "library and header versions")
    try:
        customers()
        grading()
        key_account()
    except Failed as e:
        print("unexpected error: %s" % e, file=sys.stderr)
        return 1
    if failures:
        print("%d check(s) failed" % failures, file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
