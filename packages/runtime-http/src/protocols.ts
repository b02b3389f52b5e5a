/**
 * The request each runtime protocol sends (context B5):
 * - `qvac`: OpenAI-compatible `POST {base}/v1/chat/completions`;
 * - every other provider: the generic `POST {base}/invoke` protocol (README, "Runtime protocol").
 */
import type { EndpointAuthType } from '@mm/contracts';
import type { RuntimeCall } from '@mm/core';

export interface RuntimeRequest {
  path: string;
  body: Record<string, unknown>;
}

export function buildRuntimeRequest(call: RuntimeCall): RuntimeRequest {
  if (call.providerKey === 'qvac') {
    const { model, messages, ...rest } = call.input;
    return {
      path: '/v1/chat/completions',
      body: { ...rest, model: call.modelAlias ?? model, messages, stream: false },
    };
  }
  return {
    path: '/invoke',
    body: {
      taskId: call.taskId,
      skillKey: call.skillKey,
      serviceId: call.serviceId,
      operation: call.operation,
      input: call.input,
    },
  };
}

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * The credential header. Tokens with control characters are refused at write; one stored before
 * that rule is never sent (it could split the header). docs/trust.md "Credentials".
 */
export function authHeaders(authType: EndpointAuthType, token: string | null): Record<string, string> {
  if (!token || CONTROL_CHARS.test(token)) return {};
  if (authType === 'bearer') return { authorization: `Bearer ${token}` };
  if (authType === 'api-key') return { 'x-api-key': token };
  return {};
}
