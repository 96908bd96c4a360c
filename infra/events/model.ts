import type { ResourceOp } from '../changes/model.ts';
import type { Operation, OperationStatus } from '../operations/model.ts';

/** Progress of one operation, as the API streams and the Slack updates see it. */
export type ProgressEvent =
  | { type: 'status'; operationId: string; property: string; status: OperationStatus }
  | {
      type: 'resource';
      operationId: string;
      property: string;
      urn: string;
      resourceType: string;
      op: ResourceOp;
      phase: 'started' | 'finished' | 'failed';
      /** Resources finished so far and the total the engine announced (0 when unknown yet). */
      done: number;
      total: number;
    }
  | { type: 'log'; operationId: string; property: string; line: string }
  | { type: 'finished'; operationId: string; property: string; operation: Operation };

export type ProgressListener = (event: ProgressEvent) => void;
