import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type express from 'express';
import { GraphQLError } from 'graphql';
import type { Principal } from '../config.js';
import type { Queue } from 'bullmq';
import { authenticate } from './auth.js';

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * Bull Board for operators, behind an admin token: 401 without a valid token, 403 for a viewer. The
 * token comes as a bearer header (scripts, proxies) or, from a browser, as the console's session
 * cookie (`sessionPrincipal`, see session.ts).
 */
export function bullBoard(
  queues: readonly Queue[],
  tokens: ReadonlyMap<string, Principal>,
  sessionPrincipal: (req: express.Request) => Principal | undefined = () => undefined,
): express.RequestHandler[] {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });
  const adminOnly: express.RequestHandler = (req, res, next) => {
    let principal: Principal;
    try {
      const fromCookie = req.header('authorization') === undefined ? sessionPrincipal(req) : undefined;
      principal = fromCookie ?? authenticate(req.header('authorization'), tokens);
    } catch (error) {
      res.status(401).json({
        code: 'UNAUTHENTICATED',
        message: error instanceof GraphQLError ? error.message : 'Unauthenticated',
      });
      return;
    }
    if (principal.role !== 'admin') {
      res.status(403).json({ code: 'FORBIDDEN', message: 'Bull Board needs an admin token' });
      return;
    }
    next();
  };
  return [adminOnly, serverAdapter.getRouter() as express.RequestHandler];
}
