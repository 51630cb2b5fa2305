import { handleBatch } from "./handle-batch";

export default { queue: handleBatch } satisfies ExportedHandler<ConsumerEnv>;
