#!/usr/bin/env python3
"""The integration scenario with the RM Hub Python client (same as the C++ and TypeScript ones):
list a manager's customers page by page, create a customer with a request_id and replay it, read
a structured INVALID_ARGUMENT.

  RMHUB_CUSTOMER_ADDRESS=127.0.0.1:50052 RMHUB_TOKEN=<JWT> RMHUB_MANAGER=members/4 \
    python3 customer_book.py

RMHUB_TOKEN is a branch manager's (or a relationship manager's own) bearer token; RMHUB_MANAGER
the relationship manager who will hold the new customer. Optional: RMHUB_TLS_CA (+
RMHUB_TLS_CERT/RMHUB_TLS_KEY for mutual TLS) for a TLS endpoint.
"""

import os
import random
import sys

from rmhub.client import RmhubError, TlsFiles, new_request_id, open_channel, pages
from rmhub.customer.v1 import customer_pb2 as cpb
from rmhub.customer.v1 import customer_pb2_grpc


def sample_national_id() -> str:
    """A well-formed, made-up 18-character PRC resident ID (example data only)."""
    body = "110101%04d%02d%02d%03d" % (
        random.randint(1960, 1999), random.randint(1, 12), random.randint(1, 28), random.randint(0, 999))
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]


def main() -> int:
    env = os.environ
    manager = env["RMHUB_MANAGER"]
    tls = TlsFiles(env["RMHUB_TLS_CA"], env.get("RMHUB_TLS_CERT"), env.get("RMHUB_TLS_KEY")) \
        if env.get("RMHUB_TLS_CA") else None
    channel = open_channel(env["RMHUB_CUSTOMER_ADDRESS"], token=env["RMHUB_TOKEN"], tls=tls,
                           deadline=10.0)
    customers = customer_pb2_grpc.CustomerServiceStub(channel)

    # 1. Create a customer held by the manager; keep the request_id with the request.
    request = cpb.CreateCustomerRequest(
        customer=cpb.Customer(type=cpb.RETAIL, display_name="示例客户 Python",
                              national_id=sample_national_id()),
        owner=manager, request_id=new_request_id())
    created = customers.CreateCustomer(request)
    print(f"created {created.name} owner {created.owner}")
    # A retry (a timeout, a lost connection) sends the same request again: the same answer comes
    # back and nothing is created twice.
    replayed = customers.CreateCustomer(request)
    print(f"replayed {replayed.name} same={replayed.name == created.name}")

    # 2. The manager's customers, two per page.
    listing = cpb.ListCustomersRequest(filter=f'owner = "{manager}"', page_size=2)
    names = []
    for number, page in enumerate(pages(customers.ListCustomers, listing), start=1):
        print(f"page {number}: {len(page.customers)} customers")
        names.extend(c.name for c in page.customers)
    print(f"listed {len(names)} customers of {manager}, includes created: {created.name in names}")

    # 3. Bad input comes back as INVALID_ARGUMENT naming each bad field.
    try:
        customers.CreateCustomer(cpb.CreateCustomerRequest(
            customer=cpb.Customer(type=cpb.RETAIL, display_name="", national_id="not-an-id"),
            request_id=new_request_id()))
        print("error: a customer without a name was accepted")
        return 1
    except RmhubError as e:
        print(f"error {e.code().name} reason {e.reason}")
        for v in e.field_violations:
            print(f"  field {v.field}: {v.description}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
