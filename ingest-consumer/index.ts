import { handleBatch } from "./handle-batch";
import { handleDeadLetters } from "./handle-dead-letters";

export default {
  queue: (batch, env) => (batch.queue === env.DEAD_LETTER_QUEUE ? handleDeadLetters(batch, env) : handleBatch(batch, env)),
} satisfies ExportedHandler<ConsumerEnv>;
