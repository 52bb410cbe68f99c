import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useClient } from 'urql';
import type { ConsoleClient, LiveState } from './api/client';
import { ConnectionTestUpdatedSubscription } from './api/documents';
import type { Principal } from './api/session';
import type { TestFieldsFragment } from './gql/graphql';

export interface ConsoleState {
  principal: Principal;
  regions: readonly string[];
  live: ConsoleClient['live'];
  notify: (message: string) => void;
  signOut: () => void;
}

const Context = createContext<ConsoleState | null>(null);

export function ConsoleProvider({ value, children }: { value: ConsoleState; children: ReactNode }) {
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useConsole(): ConsoleState {
  const state = useContext(Context);
  if (!state) throw new Error('useConsole outside ConsoleProvider');
  return state;
}

export const useIsAdmin = () => useConsole().principal.role === 'admin';

export function useLive(): LiveState {
  const { live } = useConsole();
  return useSyncExternalStore(live.subscribe, live.get);
}

/**
 * A connection test as it moves: `initial` (what testConnection returned), then every message of
 * connectionTestUpdated until the service completes it (PASSED or FAILED).
 */
export function useFollowTest(initial: TestFieldsFragment | null): TestFieldsFragment | null {
  const client = useClient();
  const [test, setTest] = useState(initial);
  const id = initial?.id;
  useEffect(() => {
    setTest(initial);
    if (!id) return;
    const subscription = client
      .subscription(ConnectionTestUpdatedSubscription, { testId: id })
      .subscribe((result) => {
        const next = result.data?.connectionTestUpdated;
        if (next) setTest(next);
      });
    return () => subscription.unsubscribe();
    // A new test (id) restarts the subscription; a re-render with the same test does not.
  }, [client, id]);
  return test;
}
