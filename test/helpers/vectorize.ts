// Vectorize as the consumer sees it when its writes never become queryable:
// writes go to the local stand-in, reads find nothing. `onRead` runs before
// every read (to delete the document mid-wait, say).
import { env } from "cloudflare:workers";

export function neverVisibleVectorize(onRead: (call: number) => void | Promise<void> = () => {}): Vectorize {
  let reads = 0;
  const read = async (): Promise<never[]> => {
    await onRead(++reads);
    return [];
  };
  return {
    upsert: (vectors: VectorizeVector[]) => env.VECTORIZE.upsert(vectors),
    deleteByIds: (ids: string[]) => env.VECTORIZE.deleteByIds(ids),
    getByIds: read,
  } as unknown as Vectorize; // The consumer only upserts, deletes and reads back by id.
}
