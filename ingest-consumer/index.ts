import { handleBatch } from "./handle-batch";
import { handleDeadLetters } from "./handle-dead-letters";
import { handleScheduled } from "./sweep";

export default {
  queue: (batch, env) => (batch.queue === env.DEAD_LETTER_QUEUE ? handleDeadLetters(batch, env) : handleBatch(batch, env)),
  scheduled: (_controller, env) => handleScheduled(env),
} satisfies ExportedHandler<ConsumerEnv>;
