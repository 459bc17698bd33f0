/**
 * RM Hub client helpers over the ts-proto types and @grpc/grpc-js clients generated from the
 * published protos (./gen/rmhub/<service>/v1/<service>.ts). A thin layer, no business logic:
 *   connect        a client with keepalive, a bearer token or mutual TLS, a default deadline and
 *                  an x-request-id on every call
 *   call           a unary call as a Promise; a failure rejects with RmhubError
 *   newRequestId   a fresh request_id for a mutation (the same id on a retry replays its answer)
 *   pages / items  iteration over the pages of a List call
 *   RmhubError     code, message, ErrorInfo reason/domain/metadata, BadRequest field violations,
 *                  RetryInfo delay
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import {
  CallOptions,
  ChannelCredentials,
  ClientOptions,
  ClientUnaryCall,
  InterceptingCall,
  Interceptor,
  Metadata,
  ServiceError,
  credentials,
  status as Code,
} from "@grpc/grpc-js";

import { BadRequest, ErrorInfo, RetryInfo } from "./gen/google/rpc/error_details";
import { Status } from "./gen/google/rpc/status";

export { Code };
export const REQUEST_ID_HEADER = "x-request-id";
export const DEFAULT_DEADLINE_MS = 10_000;

/** A fresh id: 32 lowercase hex digits, valid as a mutation's request_id and as x-request-id.
 * Keep it with the request and send the same one on every retry of it. */
export function newRequestId(): string {
  return randomUUID().replace(/-/g, "");
}

/** PEM files: the bank's CA and, for mutual TLS, this client's certificate and key. */
export interface TlsFiles {
  caFile: string;
  certFile?: string;
  keyFile?: string;
}

export interface ConnectOptions {
  /** A bearer JWT, or a function returning the current one (called per call). */
  token?: string | (() => string);
  /** TLS against the bank's CA; plaintext without it (a local development stack only). */
  tls?: TlsFiles;
  /** Deadline of a call that sets none, in milliseconds; 0 for none. */
  deadlineMs?: number;
  /** HTTP/2 keepalive pings (the servers accept one every 10 s at most). */
  keepaliveTimeMs?: number;
  keepaliveTimeoutMs?: number;
}

export function channelCredentials(tls?: TlsFiles): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  if (!tls.certFile !== !tls.keyFile) throw new Error("tls: certFile and keyFile go together");
  const read = (path?: string) => (path ? readFileSync(path) : null);
  return credentials.createSsl(read(tls.caFile), read(tls.keyFile), read(tls.certFile));
}

/** Adds the bearer token, an x-request-id (unless the caller set one) and the default deadline. */
function callInterceptor(opts: ConnectOptions): Interceptor {
  return (options, nextCall) => {
    const deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
    if (options.deadline === undefined && deadlineMs > 0) {
      options.deadline = new Date(Date.now() + deadlineMs);
    }
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        if (opts.token !== undefined && metadata.get("authorization").length === 0) {
          const token = typeof opts.token === "function" ? opts.token() : opts.token;
          metadata.set("authorization", `Bearer ${token}`);
        }
        if (metadata.get(REQUEST_ID_HEADER).length === 0) {
          metadata.set(REQUEST_ID_HEADER, newRequestId());
        }
        next(metadata, listener);
      },
    });
  };
}

/** The constructor and options a generated client takes, for `new XServiceClient(address, ...)`. */
export function clientOptions(opts: ConnectOptions = {}): {
  credentials: ChannelCredentials;
  options: Partial<ClientOptions>;
} {
  const keepaliveTimeMs = opts.keepaliveTimeMs ?? 60_000;
  if (keepaliveTimeMs < 10_000) {
    throw new Error("keepaliveTimeMs: at least 10000 (the servers refuse faster pings)");
  }
  return {
    credentials: channelCredentials(opts.tls),
    options: {
      "grpc.keepalive_time_ms": keepaliveTimeMs,
      "grpc.keepalive_timeout_ms": opts.keepaliveTimeoutMs ?? 20_000,
      "grpc.keepalive_permit_without_calls": 0,
      interceptors: [callInterceptor(opts)],
    },
  };
}

/** A generated client (e.g. CustomerServiceClient) for `address` ("host:port"). */
export function connect<C>(
  ctor: new (address: string, creds: ChannelCredentials, options?: Partial<ClientOptions>) => C,
  address: string,
  opts: ConnectOptions = {},
): C {
  const { credentials: creds, options } = clientOptions(opts);
  return new ctor(address, creds, options);
}

export interface FieldViolation {
  field: string;
  description: string;
}

/** A failed RM Hub call with its google.rpc.Status details decoded. */
export class RmhubError extends Error {
  constructor(
    readonly code: Code,
    readonly details: string,
    readonly reason = "",
    readonly domain = "",
    readonly metadata: Record<string, string> = {},
    readonly fieldViolations: FieldViolation[] = [],
    /** From RetryInfo, in milliseconds; undefined when the service gave none. */
    readonly retryDelayMs?: number,
  ) {
    super(`${Code[code]}: ${details}${reason ? ` [${reason}]` : ""}`);
    this.name = "RmhubError";
  }

  get codeName(): string {
    return Code[this.code];
  }

  violation(field: string): FieldViolation | undefined {
    return this.fieldViolations.find((v) => v.field === field);
  }
}

const TYPE_PREFIX = "type.googleapis.com/";

/** The RmhubError of a failed call; details that do not parse keep code and message. */
export function decodeError(error: Partial<ServiceError>): RmhubError {
  const code = error.code ?? Code.UNKNOWN;
  const message = error.details ?? error.message ?? "";
  const raw = error.metadata?.get("grpc-status-details-bin")?.[0];
  let reason = "";
  let domain = "";
  let metadata: Record<string, string> = {};
  const violations: FieldViolation[] = [];
  let retryDelayMs: number | undefined;
  if (raw instanceof Buffer) {
    try {
      const st = Status.decode(raw);
      for (const any of st.details) {
        const type = any.typeUrl.startsWith(TYPE_PREFIX) ? any.typeUrl.slice(TYPE_PREFIX.length) : "";
        if (type === "google.rpc.ErrorInfo") {
          const info = ErrorInfo.decode(any.value);
          reason = info.reason;
          domain = info.domain;
          metadata = { ...info.metadata };
        } else if (type === "google.rpc.BadRequest") {
          for (const v of BadRequest.decode(any.value).fieldViolations) {
            violations.push({ field: v.field, description: v.description });
          }
        } else if (type === "google.rpc.RetryInfo") {
          const d = RetryInfo.decode(any.value).retryDelay;
          if (d) retryDelayMs = Number(d.seconds) * 1000 + Math.floor(d.nanos / 1e6);
        }
      }
    } catch {
      // A malformed trailer: code and message still come through.
    }
  }
  return new RmhubError(code, message, reason, domain, metadata, violations, retryDelayMs);
}

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/** A unary call as a Promise: `await call(client.getCustomer.bind(client), { name })`.
 * Rejects with RmhubError. `options.deadline` overrides the client's default deadline. */
export function call<Req, Res>(
  method: UnaryMethod<Req, Res>,
  request: Req,
  options: Partial<CallOptions> = {},
  metadata: Metadata = new Metadata(),
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, metadata, options, (error, response) => {
      if (error) reject(decodeError(error));
      else resolve(response);
    });
  });
}

interface PagedRequest {
  pageToken: string;
  pageSize: number;
}
interface PagedResponse {
  nextPageToken: string;
}

/** Each response of a List call for `request` and its next pages. The request is not changed;
 * a page token is only valid with the same filter and page size, so those stay as given. */
export async function* pages<Req extends PagedRequest, Res extends PagedResponse>(
  list: (request: Req) => Promise<Res>,
  request: Req,
): AsyncGenerator<Res> {
  let current: Req = { ...request };
  for (;;) {
    const response = await list(current);
    yield response;
    if (!response.nextPageToken) return;
    current = { ...current, pageToken: response.nextPageToken };
  }
}

/** Every element of the repeated `field` over all pages. */
export async function* items<Req extends PagedRequest, Res extends PagedResponse, K extends keyof Res>(
  list: (request: Req) => Promise<Res>,
  request: Req,
  field: K,
): AsyncGenerator<Res[K] extends Array<infer T> ? T : never> {
  for await (const page of pages(list, request)) {
    for (const item of page[field] as unknown as Array<Res[K] extends Array<infer T> ? T : never>) {
      yield item;
    }
  }
}
