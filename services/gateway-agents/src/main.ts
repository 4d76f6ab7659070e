/** Runs the agents channel's gateway on its own: NATS bus, its own uWS port, ops port, graceful drain. */
import { runGateway } from '@arcp/gateway';

void runGateway('agents');
