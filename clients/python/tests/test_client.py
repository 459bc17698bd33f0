"""The Python client against the real team and customer servers (tests/clients/stack.sh starts
them and sets RMHUB_*), plus the parts that need no server."""

import os
import random
import subprocess
import sys

import grpc
import pytest

from rmhub.client import (
    REQUEST_ID_HEADER,
    RmhubError,
    TlsFiles,
    decode_error,
    items,
    new_request_id,
    open_channel,
    pages,
)
from rmhub.customer.v1 import customer_pb2 as cpb
from rmhub.customer.v1 import customer_pb2_grpc
from rmhub.team.v1 import team_pb2, team_pb2_grpc

ENV = os.environ
needs_stack = pytest.mark.skipif(
    "RMHUB_CUSTOMER_ADDRESS" not in ENV, reason="run through tests/clients/stack.sh")
HERE = os.path.dirname(os.path.abspath(__file__))


def national_id() -> str:
    body = "110101%04d%02d%02d%03d" % (
        random.randint(1960, 1999), random.randint(1, 12), random.randint(1, 28), random.randint(0, 999))
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


@pytest.fixture(scope="module")
def customers():
    channel = open_channel(ENV["RMHUB_CUSTOMER_ADDRESS"], token=ENV["RMHUB_TOKEN"])
    yield customer_pb2_grpc.CustomerServiceStub(channel)
    channel.close()


def create(customers, owner="", request_id=None):
    request = cpb.CreateCustomerRequest(
        customer=cpb.Customer(type=cpb.RETAIL, display_name="Python 客户", national_id=national_id()),
        owner=owner, request_id=request_id or new_request_id())
    return request, customers.CreateCustomer(request)


# ----------------------------------------------------------------------------------------------
# No server needed.

def test_request_ids_are_fresh_hex_tokens():
    ids = {new_request_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(len(i) == 32 and all(c in "0123456789abcdef" for c in i) for i in ids)


def test_tls_files_need_cert_and_key_together(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("not used")
    with pytest.raises(ValueError, match="cert_file and key_file"):
        TlsFiles(str(ca), cert_file=str(ca)).credentials()


def test_keepalive_faster_than_the_servers_allow_is_refused():
    with pytest.raises(ValueError, match="keepalive_time"):
        open_channel("127.0.0.1:1", keepalive_time=1)


class _FakeCall(grpc.RpcError):
    def __init__(self, trailers):
        self._trailers = trailers

    def code(self):
        return grpc.StatusCode.INTERNAL

    def details(self):
        return "boom"

    def trailing_metadata(self):
        return self._trailers


def test_decode_error_without_or_with_broken_details_keeps_code_and_message():
    for trailers in [(), (("grpc-status-details-bin", b"\xff\xff not a status"),)]:
        e = decode_error(_FakeCall(trailers))
        assert e.code() == grpc.StatusCode.INTERNAL
        assert e.details() == "boom"
        assert e.reason == "" and e.field_violations == [] and e.retry_delay is None


def test_pages_follow_next_page_token_and_leave_the_request_alone():
    seen = []

    def fake_list(request, **kwargs):
        seen.append((request.page_token, request.page_size, kwargs))
        token = {"": "a", "a": "b", "b": ""}[request.page_token]
        return cpb.ListCustomersResponse(
            customers=[cpb.Customer(name=f"customers/{len(seen)}")], next_page_token=token)

    request = cpb.ListCustomersRequest(filter="type = RETAIL")
    names = [c.name for c in items(fake_list, request, "customers", page_size=1, timeout=5)]
    assert names == ["customers/1", "customers/2", "customers/3"]
    assert [(t, s) for t, s, _ in seen] == [("", 1), ("a", 1), ("b", 1)]
    assert all(kw == {"timeout": 5} for _, _, kw in seen)
    assert request.page_token == "" and request.page_size == 0


# ----------------------------------------------------------------------------------------------
# Against the real servers.

@needs_stack
def test_create_with_request_id_replays_the_same_customer(customers):
    request, first = create(customers, owner=ENV["RMHUB_MANAGER"])
    assert first.name.startswith("customers/")
    assert first.owner == ENV["RMHUB_MANAGER"]
    replay = customers.CreateCustomer(request)
    assert replay.name == first.name
    # A different request_id is a different request: a second customer with the same resident ID
    # is refused rather than silently merged.
    again = cpb.CreateCustomerRequest()
    again.CopyFrom(request)
    again.request_id = new_request_id()
    with pytest.raises(RmhubError) as info:
        customers.CreateCustomer(again)
    assert info.value.code() in (grpc.StatusCode.ALREADY_EXISTS, grpc.StatusCode.FAILED_PRECONDITION)
    assert info.value.reason


@needs_stack
def test_list_a_managers_customers_page_by_page(customers):
    made = [create(customers, owner=ENV["RMHUB_MANAGER"])[1].name for _ in range(5)]
    request = cpb.ListCustomersRequest(filter=f'owner = "{ENV["RMHUB_MANAGER"]}"')
    responses = list(pages(customers.ListCustomers, request, page_size=2))
    names = [c.name for r in responses for c in r.customers]
    assert all(len(r.customers) <= 2 for r in responses)
    assert len(responses) >= 3 and responses[-1].next_page_token == ""
    assert len(names) == len(set(names))
    assert set(made) <= set(names)
    assert all(c.owner == ENV["RMHUB_MANAGER"] for r in responses for c in r.customers)


@needs_stack
def test_invalid_argument_names_each_bad_field(customers):
    with pytest.raises(RmhubError) as info:
        customers.CreateCustomer(cpb.CreateCustomerRequest(
            customer=cpb.Customer(type=cpb.RETAIL, display_name="", national_id="12345"),
            request_id=new_request_id()))
    e = info.value
    assert e.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert isinstance(e, grpc.RpcError)
    assert e.reason == "INVALID_FIELDS"
    fields = [v.field for v in e.field_violations]
    assert "customer.display_name" in fields and "customer.national_id" in fields
    assert e.violation("customer.national_id").description


@needs_stack
def test_a_relationship_manager_sees_own_customers_masked():
    channel = open_channel(ENV["RMHUB_CUSTOMER_ADDRESS"], token=lambda: ENV["RMHUB_RM_TOKEN"])
    stub = customer_pb2_grpc.CustomerServiceStub(channel)
    mine = list(items(stub.ListCustomers, cpb.ListCustomersRequest(), "customers", page_size=50))
    assert mine, "the manager holds the customers created above"
    assert all(c.owner == ENV["RMHUB_MANAGER"] and c.pii_masked for c in mine)
    with pytest.raises(RmhubError) as info:
        stub.GetCustomer(cpb.GetCustomerRequest(name="customers/987654321"))
    assert info.value.code() == grpc.StatusCode.NOT_FOUND


@needs_stack
def test_no_token_is_unauthenticated_and_an_expired_deadline_is_deadline_exceeded():
    stub = customer_pb2_grpc.CustomerServiceStub(open_channel(ENV["RMHUB_CUSTOMER_ADDRESS"]))
    with pytest.raises(RmhubError) as info:
        stub.ListCustomers(cpb.ListCustomersRequest())
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
    stub = customer_pb2_grpc.CustomerServiceStub(
        open_channel(ENV["RMHUB_CUSTOMER_ADDRESS"], token=ENV["RMHUB_TOKEN"], deadline=1e-9))
    with pytest.raises(RmhubError) as info:
        stub.ListCustomers(cpb.ListCustomersRequest())
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


@needs_stack
def test_every_call_carries_an_x_request_id_the_server_echoes(customers):
    # The channel adds one when the caller did not; a caller's own is sent as is.
    _, call = customers.ListCustomers.with_call(cpb.ListCustomersRequest(page_size=1))
    echoed = dict(call.initial_metadata()).get(REQUEST_ID_HEADER, "")
    assert len(echoed) == 32 and all(c in "0123456789abcdef" for c in echoed)
    _, call = customers.ListCustomers.with_call(
        cpb.ListCustomersRequest(page_size=1), metadata=((REQUEST_ID_HEADER, "py-trace-1"),))
    assert dict(call.initial_metadata()).get(REQUEST_ID_HEADER) == "py-trace-1"


@needs_stack
def test_mutual_tls_identifies_the_service_without_a_token():
    tls = TlsFiles(ENV["RMHUB_TLS_CA_FILE"], ENV["RMHUB_TLS_CERT_FILE"], ENV["RMHUB_TLS_KEY_FILE"])
    team = team_pb2_grpc.TeamServiceStub(open_channel(ENV["RMHUB_TLS_TEAM_ADDRESS"], tls=tls))
    branches = team.ListBranches(team_pb2.ListBranchesRequest())
    assert ENV["RMHUB_BRANCH"] in [b.name for b in branches.branches]
    # The server demands a client certificate: without one the handshake is refused.
    no_cert = team_pb2_grpc.TeamServiceStub(open_channel(
        ENV["RMHUB_TLS_TEAM_ADDRESS"], tls=TlsFiles(ENV["RMHUB_TLS_CA_FILE"]), token=ENV["RMHUB_TOKEN"]))
    with pytest.raises(RmhubError) as info:
        no_cert.ListBranches(team_pb2.ListBranchesRequest())
    assert info.value.code() == grpc.StatusCode.UNAVAILABLE


@needs_stack
def test_the_example_runs_the_scenario():
    out = subprocess.run(
        [sys.executable, os.path.join(HERE, "..", "examples", "customer_book.py")],
        capture_output=True, text=True, timeout=120, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "replayed customers/" in out.stdout and "same=True" in out.stdout
    assert "page 1:" in out.stdout and "includes created: True" in out.stdout
    assert "error INVALID_ARGUMENT reason INVALID_FIELDS" in out.stdout
    assert "field customer.national_id:" in out.stdout
    print(out.stdout)
