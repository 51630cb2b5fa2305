import { Hono } from "hono";
import type { AppEnv } from "../context";
import { ready } from "./ready";

/** Liveness only: answers without touching bindings, so it says the worker runs, not that D1 does. */
export const health = new Hono<AppEnv>().get("/", (c) => c.json({ status: "ok" })).get("/ready", ready);
