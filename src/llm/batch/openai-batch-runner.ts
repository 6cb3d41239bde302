import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { writeFileAtomic } from "../../core/jsonl.js";
import { isRetryable } from "../../core/errors.js";
import { HttpEndpoint, parseJson, type HttpReply } from "../providers/http-endpoint.js";
import {
  DEFAULT_POLL,
  pollUntil,
  sleepMs,
  type BatchRunner,
  type PollSettings,
} from "./batch-runner.js";
import type { BatchRecord, WaveStore } from "./wave-store.js";

export interface OpenAIBatchOptions {
  /** The model spec, named in messages. */
  id: string;
  /** The base URL ending in `/v1`. */
  baseUrl: string;
  apiKey: string;
  keyEnv?: string;
  timeoutMs?: number;
  poll?: PollSettings;
  /** Tries of one HTTP step that failed transiently (5xx, 429, reset) before the wave fails. */
  maxTries?: number;
}

/** Batch states after which nothing more will happen (the rest are still moving). */
const FINAL = new Set(["completed", "failed", "expired", "cancelled"]);

interface BatchObject {
  id: string;
  status: string;
  input_file_id?: string;
  output_file_id?: string | null;
  error_file_id?: string | null;
}

/**
 * The OpenAI Batch API (and any server that copies it): upload the input through the Files
 * API (`purpose: batch`), create the batch, poll it with backoff, download the output and
 * error files. Each id is saved in the record as soon as it exists; a record with an
 * uploaded file but no batch id (a kill between the two calls) first looks for a batch made
 * from that file, so a rerun never pays for the same wave twice.
 */
export class OpenAIBatchRunner implements BatchRunner {
  private readonly endpoint: HttpEndpoint;
  private readonly options: OpenAIBatchOptions;

  constructor(options: OpenAIBatchOptions) {
    this.options = options;
    this.endpoint = new HttpEndpoint({
      id: options.id,
      url: options.baseUrl,
      apiKey: options.apiKey,
      ...(options.keyEnv === undefined ? {} : { keyEnv: options.keyEnv }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  async run(record: BatchRecord, store: WaveStore): Promise<void> {
    if (record.batch_id === undefined) {
      if (record.input_file_id === undefined) {
        record.input_file_id = await this.upload(store.path(record, "input"));
        store.save(record);
      }
      const batch = await this.submit(record, record.input_file_id);
      record.batch_id = batch.id;
      record.batch_status = batch.status;
      record.status = "submitted";
      store.save(record);
    }
    const batchId = record.batch_id;
    const final = await pollUntil(this.options.poll ?? DEFAULT_POLL, async () => {
      const batch = await this.json<BatchObject>("GET", `batches/${encodeURIComponent(batchId)}`);
      if (batch.status !== record.batch_status) {
        record.batch_status = batch.status;
        store.save(record);
      }
      return FINAL.has(batch.status) ? batch : undefined;
    });
    // Expired and cancelled batches may still carry the lines they finished.
    if (final.output_file_id)
      writeFileAtomic(store.path(record, "output"), await this.content(final.output_file_id));
    if (final.error_file_id)
      writeFileAtomic(store.path(record, "errors"), await this.content(final.error_file_id));
    record.status = "done";
    record.finished_at = new Date().toISOString();
    store.save(record);
  }

  private async upload(file: string): Promise<string> {
    const boundary = `psysim-${randomBytes(12).toString("hex")}`;
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(file)}"\r\n` +
      `Content-Type: application/jsonl\r\n\r\n${readFileSync(file, "utf8")}\r\n--${boundary}--\r\n`;
    const uploaded = await this.json<{ id: string }>("POST", "files", body, {
      contentType: `multipart/form-data; boundary=${boundary}`,
    });
    return uploaded.id;
  }

  /** A batch already made from this input file (created just before a kill), if any. */
  private async findBatch(inputFileId: string): Promise<BatchObject | undefined> {
    const list = await this.json<{ data?: BatchObject[] }>("GET", "batches?limit=100");
    return list.data?.find((b) => b.input_file_id === inputFileId);
  }

  /**
   * Creates the batch, looking first (and after every failed try) for one already made from
   * the file: a create whose reply was lost may still have made a batch, and a second one
   * would be paid twice.
   */
  private async submit(record: BatchRecord, inputFileId: string): Promise<BatchObject> {
    const tries = this.options.maxTries ?? 6;
    for (let attempt = 1; ; attempt++) {
      const existing = await this.findBatch(inputFileId);
      if (existing) return existing;
      try {
        return await this.json<BatchObject>(
          "POST",
          "batches",
          JSON.stringify({
            input_file_id: inputFileId,
            endpoint: "/v1/chat/completions",
            completion_window: "24h",
            metadata: { psysim_batch: record.name },
          }),
          {},
          1,
        );
      } catch (error) {
        if (!isRetryable(error) || attempt >= tries) throw error;
        await this.pause(attempt);
      }
    }
  }

  private pause(attempt: number): Promise<void> {
    const poll = this.options.poll ?? DEFAULT_POLL;
    return (poll.sleep ?? sleepMs)(poll.firstMs * attempt);
  }

  private async content(fileId: string): Promise<string> {
    return (await this.call("GET", `files/${encodeURIComponent(fileId)}/content`)).body;
  }

  private async json<T>(
    method: "GET" | "POST",
    sub: string,
    payload = "",
    options: { contentType?: string } = {},
    tries?: number,
  ): Promise<T> {
    const reply = await this.call(method, sub, payload, options, tries);
    const parsed = parseJson(reply.body);
    if (typeof parsed !== "object" || parsed === null)
      throw this.endpoint.failure("malformed", `${method} ${sub}: the body is not JSON`);
    return parsed as T;
  }

  /** One HTTP step, tried again on transient failures; auth, quota and 4xx fail at once. */
  private async call(
    method: "GET" | "POST",
    sub: string,
    payload = "",
    options: { contentType?: string } = {},
    tries = this.options.maxTries ?? 6,
  ): Promise<HttpReply> {
    const path = this.endpoint.pathOf(sub);
    for (let attempt = 1; ; attempt++) {
      try {
        const reply =
          method === "GET"
            ? await this.endpoint.get(path)
            : await this.endpoint.post(path, payload, options);
        if (reply.status >= 200 && reply.status < 300) return reply;
        throw this.endpoint.statusFailure(reply);
      } catch (error) {
        if (!isRetryable(error) || attempt >= tries) throw error;
        await this.pause(attempt);
      }
    }
  }
}
