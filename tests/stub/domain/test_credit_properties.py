"""Property: after any sequence of orders, invoices, memos, write-offs, disputes and refunds, the
account balance is what the answers add up to.

The model is kept from the answers alone (never from the store): balance = charged - paid -
credited - written off + refunded, where a refund's line reversals lower what was charged.
Every answer is contract-checked, and a refusal may only be the documented 1002 / 1016.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from harness.stub.service import StubService
from tests.stub.domain.conftest import AUTH_KEY, CLIENT_NO, check_answer

# both pay by cards the test gateway approves, so every billed order is paid at once
ACCOUNTS = (1000001, 1000002)
SKUS = ("WIDGET", "GADGET", "EBOOK")
OPS = (
    "order",
    "invoice",
    "memo",
    "general_memo",
    "apply",
    "unapply",
    "writeoff",
    "dispute",
    "settle",
    "refund",
    "refund_reversing",
)
REFUSALS = (1002, 1016)


def _d(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


class Run:
    """One sequence of calls against a fresh stub, with the model the answers imply."""

    def __init__(self) -> None:
        self.stub = StubService()
        self.balance: dict[int, Decimal] = defaultdict(Decimal)
        self.invoices: list[tuple[int, int, int]] = []  # (acct_no, invoice_no, line count)
        self.payments: list[tuple[int, int, int]] = []  # (acct_no, transaction_id, invoice_no)
        self.memos: list[tuple[int, int]] = []  # general memos: (acct_no, cm_no)
        self.disputes: dict[int, tuple[int, Decimal]] = {}  # rec_no -> (acct_no, amount)
        self.applied: list[tuple[int, int, int]] = []  # (cm_no, invoice_no, invoice line)

    def call(self, method: str, **params: Any) -> dict[str, Any] | None:
        answer = check_answer(
            method, self.stub.call(method, {"client_no": CLIENT_NO, "auth_key": AUTH_KEY, **params})
        )
        # statistics (pytest --hypothesis-show-statistics) show how often each call got through
        event(f"{method}: {answer['error_code']}")
        if answer["error_code"] != 0:
            assert answer["error_code"] in REFUSALS, answer
            return None
        return answer

    def step(self, op: str, acct: int, pick: int, cents: int) -> None:
        amount = float(_d(Decimal(cents) / 100))
        if op == "order":
            answer = self.call(
                "create_order_m",
                account_no=acct,
                bill_immediately=1,
                order_line_items_list=[{"client_sku": SKUS[pick % 3], "units": 1 + pick % 4}],
            )
            assert answer is not None and answer["transaction_id"] is not None
            total = _d(answer["total_charges_after_tax"]) - _d(answer["total_credit"])
            self.balance[acct] += total  # charged
            self.balance[acct] -= total  # and paid in full at once
            lines = len(answer["invoice_line_items_list"])
            self.invoices.append((acct, answer["invoice_no"], lines))
            self.payments.append((acct, answer["transaction_id"], answer["invoice_no"]))
        elif op == "invoice":
            answer = self.call("gen_invoice_m", acct_no=acct)
            for entry in answer["out_invoices_list"] if answer else []:
                self.balance[acct] += _d(entry["invoice_total_amount"])
                self.invoices.append((acct, entry["invoice_no"], len(entry["invoice_items"])))
        elif op == "general_memo":
            answer = self.call(
                "create_cm_m",
                acct_no=acct,
                credit_ref_type=1 + pick % 3,
                cm_comments="model",
                cm_line_items=[{"cm_line_amount": amount}],
            )
            assert answer is not None
            self.balance[acct] -= _d(answer["cm_total"])
            self.memos.append((acct, answer["cm_no"]))
        elif self.invoices and op in ("memo", "apply", "unapply", "writeoff", "dispute"):
            owner, invoice_no, lines = self.invoices[pick % len(self.invoices)]
            self._on_invoice(op, owner, invoice_no, 1 + cents % lines, amount, pick)
        elif op == "settle" and self.disputes:
            rec_no = sorted(self.disputes)[pick % len(self.disputes)]
            owner, held = self.disputes[rec_no]
            action = 1 + pick % 2
            if self.call(
                "settle_dispute_hold_m", acct_no=owner, dispute_no=rec_no, settlement_action=action
            ):
                del self.disputes[rec_no]
                if action == 1:
                    self.balance[owner] -= held
        elif op.startswith("refund") and self.payments:
            owner, transaction_id, invoice_no = self.payments[pick % len(self.payments)]
            params: dict[str, Any] = {"total_refund_amount": amount}
            if op == "refund_reversing":
                params = {
                    "auto_calc_refund": "true",
                    "invoice_trans_to_reverse": [
                        {
                            "invoice_no": invoice_no,
                            "invoice_line_no": 1,
                            "invoice_line_reversing_amount": amount,
                        }
                    ],
                }
            answer = self.call(
                "issue_refund_to_acct_m",
                payment_transaction_id=transaction_id,
                reason_code=1,
                **params,
            )
            if answer is not None:
                self.balance[owner] += _d(answer["applied_total_refund_amount"])
                self.balance[owner] -= _d(answer["applied_total_reversal_amount"])

    def _on_invoice(
        self, op: str, owner: int, invoice_no: int, line: int, amount: float, pick: int
    ):
        if op == "memo":
            answer = self.call(
                "create_cm_m",
                orig_invoice_no=invoice_no,
                cm_comments="model",
                cm_line_items=[{"line_no": line, "cm_line_amount": amount}],
            )
            if answer is not None:
                self.balance[owner] -= _d(answer["cm_total"])
        elif op in ("apply", "unapply"):
            mine = [cm for acct, cm in self.memos if acct == owner]
            if not mine:
                return
            # moves credit onto or off an invoice line: the balance stays
            cm_no = mine[pick % len(mine)]
            if op == "apply":
                answer = self.call(
                    "apply_cm_m",
                    credit_application_details=[
                        {
                            "cm_no": cm_no,
                            "cm_line_no": 1,
                            "apply_to_invoice_no": invoice_no,
                            "apply_to_invoice_line_no": line,
                            "gross_line_application_amt": amount,
                        }
                    ],
                )
                if answer is not None:
                    self.applied.append((cm_no, invoice_no, line))
            elif self.applied:
                cm_no, invoice_no, line = self.applied[pick % len(self.applied)]
                # everything applied there, unless an earlier unapply took it already
                self.call(
                    "unapply_cm_m",
                    cm_unapply_details=[
                        {
                            "cm_no": cm_no,
                            "cm_line_no": 1,
                            "invoice_no": invoice_no,
                            "invoice_line_no": line,
                        }
                    ],
                )
        else:
            answer = self.call(
                "create_writeoff_or_dispute_m",
                invoice_no=invoice_no,
                reason_code=1,
                comments="model",
                do_dispute=int(op == "dispute"),
            )
            if answer is not None:
                total = sum((_d(t["amount"]) for t in answer["writeoff_transactions"]), Decimal(0))
                if op == "writeoff":
                    self.balance[owner] -= total
                else:
                    self.disputes[self._last_dispute(owner)] = (owner, total)

    def _last_dispute(self, owner: int) -> int:
        listed = self.call(
            "get_acct_writeoff_or_disputes_m", acct_no=owner, dispute_or_writeoff_flag=2
        )
        assert listed is not None
        return max(row["rec_no"] for row in listed["writeoff_dispute_info"])

    def stub_balance(self, acct: int) -> Decimal:
        answer = self.call("get_acct_balance_m", acct_no=acct)
        assert answer is not None
        return Decimal(answer["acct_balance"])


steps = st.lists(
    st.tuples(
        st.sampled_from(OPS),
        st.sampled_from(ACCOUNTS),
        st.integers(0, 50),
        st.integers(1, 3000),
    ),
    min_size=3,
    max_size=16,
)


@settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(sequence=steps)
def test_balance_reconciles_after_any_sequence(sequence):
    run = Run()
    # on both accounts from the start: a paid order, an unpaid invoice, a 50.00 general memo
    # with 1.00 of it applied, so every later step has something to work on
    opening = [
        (op, acct, 0, 5000 if op == "general_memo" else 100)
        for acct in ACCOUNTS
        for op in ("order", "invoice", "general_memo", "apply")
    ]
    try:
        for op, acct, pick, cents in opening + sequence:
            run.step(op, acct, pick, cents)
        for acct in ACCOUNTS:
            assert run.stub_balance(acct) == run.balance[acct], (acct, sequence)
    finally:
        run.stub.close()
