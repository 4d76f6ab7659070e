// What `pnpm test:mutation <target>` mutates: the code that decides things, per package.
export const TARGETS = {
  // Frame and request validation, close codes, encoding.
  protocol: { root: 'packages/protocol', mutate: ['packages/protocol/src/**/*.ts'] },
  // Token issue/verify, claims, revocation, constant-time key comparison.
  auth: { root: 'packages/auth', mutate: ['packages/auth/src/**/*.ts'] },
  // The engine's limits and closes (admission, rate, slow consumers, auth step, inbound frames, drain).
  'ws-engine': {
    root: 'packages/ws-engine',
    mutate: ['packages/ws-engine/src/{admission,client-limiter,rate-limit,slow-consumers,auth-step,inbound,drain,idle-ping}.ts'],
  },
  // Channel logic of the three channels and their limit variables.
  gateway: {
    root: 'packages/gateway',
    mutate: [
      'packages/gateway/src/{agents,dashboard,public}/*.ts',
      'packages/gateway/src/{channel-env,channels,coalesce,credentials,directory-broadcast}.ts',
    ],
  },
  // The registry's routes, liveness, key bindings and login lockout.
  registry: {
    root: 'services/registry',
    mutate: ['services/registry/src/{routes,liveness,store}/*.ts', 'services/registry/src/{lifecycle,http/guard,http/throttle}.ts'],
  },
};
