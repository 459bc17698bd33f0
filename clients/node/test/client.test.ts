/**
 * The TypeScript client against the real team and customer servers (tests/clients/stack.sh
 * starts them and sets RMHUB_*), plus the parts that need no server. node --test.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { after, describe, test } from "node:test";

import { Metadata } from "@grpc/grpc-js";

import { Code, RmhubError, call, clientOptions, connect, decodeError, items, newRequestId, pages } from "../src";
import { sampleNationalId } from "../examples/customer_book";
import { BadRequest, ErrorInfo } from "../src/gen/google/rpc/error_details";
import { Status } from "../src/gen/google/rpc/status";
import {
  CreateCustomerRequest,
  CustomerServiceClient,
  CustomerType,
  ListCustomersRequest,
  ListCustomersResponse,
} from "../src/gen/rmhub/customer/v1/customer";
import { ListBranchesRequest, TeamServiceClient } from "../src/gen/rmhub/team/v1/team";

const env = process.env;
const stack = env.RMHUB_CUSTOMER_ADDRESS ? {} : { skip: "run through tests/clients/stack.sh" };

describe("without a server", () => {
  test("request ids are fresh 32-digit hex tokens", () => {
    const ids = new Set(Array.from({ length: 1000 }, newRequestId));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
  });

  test("keepalive faster than the servers allow and a half client certificate are refused", () => {
    assert.throws(() => clientOptions({ keepaliveTimeMs: 1000 }), /keepaliveTimeMs/);
    assert.throws(() => clientOptions({ tls: { caFile: "/dev/null", certFile: "/dev/null" } }), /go together/);
  });

  test("decodeError reads ErrorInfo and BadRequest, and survives a broken trailer", () => {
    const md = new Metadata();
    const st = Status.fromPartial({
      code: Code.INVALID_ARGUMENT,
      message: "bad",
      details: [
        { typeUrl: "type.googleapis.com/google.rpc.ErrorInfo", value: Buffer.from(ErrorInfo.encode(ErrorInfo.fromPartial({ reason: "INVALID_FIELDS", domain: "rmhub.dev" })).finish()) },
        { typeUrl: "type.googleapis.com/google.rpc.BadRequest", value: Buffer.from(BadRequest.encode(BadRequest.fromPartial({ fieldViolations: [{ field: "a.b", description: "is bad" }] })).finish()) },
      ],
    });
    md.set("grpc-status-details-bin", Buffer.from(Status.encode(st).finish()));
    const e = decodeError({ code: Code.INVALID_ARGUMENT, details: "bad", metadata: md });
    assert.equal(e.reason, "INVALID_FIELDS");
    assert.equal(e.domain, "rmhub.dev");
    assert.deepEqual(e.fieldViolations, [{ field: "a.b", description: "is bad" }]);
    const broken = new Metadata();
    broken.set("grpc-status-details-bin", Buffer.from([0xff, 0xff, 0x01]));
    const b = decodeError({ code: Code.INTERNAL, details: "boom", metadata: broken });
    assert.equal(b.codeName, "INTERNAL");
    assert.equal(b.details, "boom");
    assert.equal(b.reason, "");
  });

  test("pages follow next_page_token and leave the request alone", async () => {
    const seen: string[] = [];
    const fake = async (r: ListCustomersRequest) => {
      seen.push(r.pageToken);
      const next = ({ "": "a", a: "b", b: "" } as Record<string, string>)[r.pageToken];
      return ListCustomersResponse.fromPartial({ customers: [{ name: `customers/${seen.length}` }], nextPageToken: next });
    };
    const request = ListCustomersRequest.fromPartial({ pageSize: 1 });
    const names: string[] = [];
    for await (const c of items(fake, request, "customers")) names.push(c.name);
    assert.deepEqual(names, ["customers/1", "customers/2", "customers/3"]);
    assert.deepEqual(seen, ["", "a", "b"]);
    assert.equal(request.pageToken, "");
  });
});

describe("against the real servers", stack, () => {
  const customers = env.RMHUB_CUSTOMER_ADDRESS
    ? connect(CustomerServiceClient, env.RMHUB_CUSTOMER_ADDRESS, { token: env.RMHUB_TOKEN })
    : undefined;
  after(() => customers?.close());
  const create = (owner = "") =>
    CreateCustomerRequest.fromPartial({
      customer: { type: CustomerType.RETAIL, displayName: "TS 客户", nationalId: sampleNationalId() },
      owner,
      requestId: newRequestId(),
    });

  test("create with a request_id, replay: the same customer; a new id: refused as a duplicate", async () => {
    const c = customers!;
    const request = create(env.RMHUB_MANAGER);
    const first = await call(c.createCustomer.bind(c), request);
    assert.match(first.name, /^customers\/\d+$/);
    assert.equal(first.owner, env.RMHUB_MANAGER);
    const replay = await call(c.createCustomer.bind(c), request);
    assert.equal(replay.name, first.name);
    await assert.rejects(call(c.createCustomer.bind(c), { ...request, requestId: newRequestId() }), (e: unknown) => {
      assert.ok(e instanceof RmhubError);
      assert.ok([Code.ALREADY_EXISTS, Code.FAILED_PRECONDITION].includes(e.code), e.message);
      assert.ok(e.reason);
      return true;
    });
  });

  test("a manager's customers page by page", async () => {
    const c = customers!;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await call(c.createCustomer.bind(c), create(env.RMHUB_MANAGER))).name);
    const list = (r: ListCustomersRequest) => call(c.listCustomers.bind(c), r);
    const responses = [];
    for await (const page of pages(list, ListCustomersRequest.fromPartial({ filter: `owner = "${env.RMHUB_MANAGER}"`, pageSize: 2 }))) {
      responses.push(page);
    }
    const names = responses.flatMap((r) => r.customers.map((x) => x.name));
    assert.ok(responses.length >= 3);
    assert.ok(responses.every((r) => r.customers.length <= 2));
    assert.equal(new Set(names).size, names.length);
    for (const m of made) assert.ok(names.includes(m), m);
    assert.ok(responses.every((r) => r.customers.every((x) => x.owner === env.RMHUB_MANAGER)));
  });

  test("INVALID_ARGUMENT names each bad field", async () => {
    const c = customers!;
    const bad = CreateCustomerRequest.fromPartial({
      customer: { type: CustomerType.RETAIL, displayName: "", nationalId: "12345" },
      requestId: newRequestId(),
    });
    await assert.rejects(call(c.createCustomer.bind(c), bad), (e: unknown) => {
      assert.ok(e instanceof RmhubError);
      assert.equal(e.code, Code.INVALID_ARGUMENT);
      assert.equal(e.reason, "INVALID_FIELDS");
      assert.ok(e.violation("customer.display_name"));
      assert.ok(e.violation("customer.national_id")?.description);
      return true;
    });
  });

  test("a relationship manager sees own customers, masked; another's or a missing one: NOT_FOUND", async () => {
    const rm = connect(CustomerServiceClient, env.RMHUB_CUSTOMER_ADDRESS!, { token: () => env.RMHUB_RM_TOKEN ?? "" });
    try {
      const list = (r: ListCustomersRequest) => call(rm.listCustomers.bind(rm), r);
      const mine = [];
      for await (const x of items(list, ListCustomersRequest.fromPartial({ pageSize: 50 }), "customers")) mine.push(x);
      assert.ok(mine.length > 0);
      assert.ok(mine.every((x) => x.owner === env.RMHUB_MANAGER && x.piiMasked));
      await assert.rejects(call(rm.getCustomer.bind(rm), { name: "customers/987654321" }), (e: unknown) => {
        assert.ok(e instanceof RmhubError && e.code === Code.NOT_FOUND);
        return true;
      });
    } finally {
      rm.close();
    }
  });

  test("no token: UNAUTHENTICATED; an expired deadline: DEADLINE_EXCEEDED", async () => {
    const anon = connect(CustomerServiceClient, env.RMHUB_CUSTOMER_ADDRESS!);
    const late = connect(CustomerServiceClient, env.RMHUB_CUSTOMER_ADDRESS!, { token: env.RMHUB_TOKEN });
    try {
      await assert.rejects(call(anon.listCustomers.bind(anon), ListCustomersRequest.fromPartial({})), (e: unknown) => {
        assert.ok(e instanceof RmhubError && e.code === Code.UNAUTHENTICATED, String(e));
        return true;
      });
      await assert.rejects(
        call(late.listCustomers.bind(late), ListCustomersRequest.fromPartial({}), { deadline: new Date(Date.now() - 1000) }),
        (e: unknown) => {
          assert.ok(e instanceof RmhubError && e.code === Code.DEADLINE_EXCEEDED, String(e));
          return true;
        },
      );
    } finally {
      anon.close();
      late.close();
    }
  });

  test("mutual TLS identifies the service without a token; without a client certificate: refused", async () => {
    const tls = { caFile: env.RMHUB_TLS_CA_FILE!, certFile: env.RMHUB_TLS_CERT_FILE, keyFile: env.RMHUB_TLS_KEY_FILE };
    const team = connect(TeamServiceClient, env.RMHUB_TLS_TEAM_ADDRESS!, { tls });
    const noCert = connect(TeamServiceClient, env.RMHUB_TLS_TEAM_ADDRESS!, { tls: { caFile: env.RMHUB_TLS_CA_FILE! }, token: env.RMHUB_TOKEN });
    try {
      const branches = await call(team.listBranches.bind(team), ListBranchesRequest.fromPartial({}));
      assert.ok(branches.branches.some((b) => b.name === env.RMHUB_BRANCH));
      await assert.rejects(call(noCert.listBranches.bind(noCert), ListBranchesRequest.fromPartial({})), (e: unknown) => {
        assert.ok(e instanceof RmhubError && e.code === Code.UNAVAILABLE, String(e));
        return true;
      });
    } finally {
      team.close();
      noCert.close();
    }
  });

  test("every call carries an x-request-id, which the server echoes", async () => {
    const c = customers!;
    const echoed = (md: Metadata) =>
      new Promise<string>((resolve, reject) => {
        const req = ListCustomersRequest.fromPartial({ pageSize: 1 });
        const unary = c.listCustomers(req, md, {}, (error) => (error ? reject(error) : undefined));
        unary.on("metadata", (m) => resolve(String(m.get("x-request-id")[0] ?? "")));
      });
    assert.match(await echoed(new Metadata()), /^[0-9a-f]{32}$/);
    const own = new Metadata();
    own.set("x-request-id", "ts-trace-1");
    assert.equal(await echoed(own), "ts-trace-1");
  });

  test("the example runs the scenario", () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, "..", "examples", "customer_book.js")], {
      encoding: "utf8",
      timeout: 120_000,
    });
    console.log(out);
    assert.match(out, /replayed customers\/\d+ same=True/);
    assert.match(out, /page 1: /);
    assert.match(out, /includes created: True/);
    assert.match(out, /error INVALID_ARGUMENT reason INVALID_FIELDS/);
    assert.match(out, /field customer\.national_id: /);
  });
});
