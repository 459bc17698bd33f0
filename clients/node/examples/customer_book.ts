/**
 * The integration scenario with the RM Hub TypeScript client (same as the C++ and Python ones):
 * list a manager's customers page by page, create a customer with a request_id and replay it,
 * read a structured INVALID_ARGUMENT.
 *
 *   RMHUB_CUSTOMER_ADDRESS=127.0.0.1:50052 RMHUB_TOKEN=<JWT> RMHUB_MANAGER=members/4 \
 *     node dist/examples/customer_book.js
 *
 * RMHUB_TOKEN is a branch manager's (or a relationship manager's own) bearer token; RMHUB_MANAGER
 * the relationship manager who will hold the new customer. Optional: RMHUB_TLS_CA (+
 * RMHUB_TLS_CERT / RMHUB_TLS_KEY for mutual TLS) for a TLS endpoint.
 */
import { RmhubError, call, connect, newRequestId, pages } from "../src";
import {
  CreateCustomerRequest,
  CustomerServiceClient,
  CustomerType,
  ListCustomersRequest,
} from "../src/gen/rmhub/customer/v1/customer";

/** A well-formed, made-up 18-character PRC resident ID (example data only). */
export function sampleNationalId(): string {
  const r = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
  const pad = (n: number, w: number) => String(n).padStart(w, "0");
  const body = `110101${r(1960, 1999)}${pad(r(1, 12), 2)}${pad(r(1, 28), 2)}${pad(r(0, 999), 3)}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return body + "10X98765432"[sum % 11];
}

async function main(): Promise<number> {
  const env = process.env;
  const manager = env.RMHUB_MANAGER ?? "";
  const customers = connect(CustomerServiceClient, env.RMHUB_CUSTOMER_ADDRESS ?? "", {
    token: env.RMHUB_TOKEN,
    tls: env.RMHUB_TLS_CA
      ? { caFile: env.RMHUB_TLS_CA, certFile: env.RMHUB_TLS_CERT, keyFile: env.RMHUB_TLS_KEY }
      : undefined,
    deadlineMs: 10_000,
  });
  try {
    // 1. Create a customer held by the manager; keep the request_id with the request.
    const request = CreateCustomerRequest.fromPartial({
      customer: { type: CustomerType.RETAIL, displayName: "示例客户 TypeScript", nationalId: sampleNationalId() },
      owner: manager,
      requestId: newRequestId(),
    });
    const created = await call(customers.createCustomer.bind(customers), request);
    console.log(`created ${created.name} owner ${created.owner}`);
    // A retry (a timeout, a lost connection) sends the same request: the same answer comes back.
    const replayed = await call(customers.createCustomer.bind(customers), request);
    console.log(`replayed ${replayed.name} same=${replayed.name === created.name ? "True" : "False"}`);

    // 2. The manager's customers, two per page.
    const list = (r: ListCustomersRequest) => call(customers.listCustomers.bind(customers), r);
    const names: string[] = [];
    let number = 0;
    for await (const page of pages(list, ListCustomersRequest.fromPartial({ filter: `owner = "${manager}"`, pageSize: 2 }))) {
      number += 1;
      console.log(`page ${number}: ${page.customers.length} customers`);
      names.push(...page.customers.map((c) => c.name));
    }
    console.log(`listed ${names.length} customers of ${manager}, includes created: ${names.includes(created.name) ? "True" : "False"}`);

    // 3. Bad input comes back as INVALID_ARGUMENT naming each bad field.
    try {
      await call(customers.createCustomer.bind(customers), CreateCustomerRequest.fromPartial({
        customer: { type: CustomerType.RETAIL, displayName: "", nationalId: "not-an-id" },
        requestId: newRequestId(),
      }));
      console.log("error: a customer without a name was accepted");
      return 1;
    } catch (e) {
      if (!(e instanceof RmhubError)) throw e;
      console.log(`error ${e.codeName} reason ${e.reason}`);
      for (const v of e.fieldViolations) console.log(`  field ${v.field}: ${v.description}`);
    }
    return 0;
  } finally {
    customers.close();
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
