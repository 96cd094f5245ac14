// workspace/executeCommand for clients that do not run Dropout Lab's commands themselves (every
// editor but VS Code): `dropoutLab.showRuleDocumentation [ruleId]` asks the client to show the
// rule's page (window/showDocument), or says where it is when the client cannot show documents.
import { ErrorCodes, MessageType, ResponseError } from 'vscode-languageserver';
import { findRule } from '../../lint/ruleTable';
import type { ServerContext } from '../context';
import { SHOW_DOCUMENTATION_COMMAND } from './codeActions';

export const SERVER_COMMANDS = [SHOW_DOCUMENTATION_COMMAND];

export function registerExecuteCommandHandlers(ctx: ServerContext): void {
  ctx.connection.onExecuteCommand(async (params) => {
    if (params?.command !== SHOW_DOCUMENTATION_COMMAND) {
      throw new ResponseError(ErrorCodes.InvalidParams, `Dropout Lab language server: unknown command ${JSON.stringify(params?.command)} (known: ${SERVER_COMMANDS.join(', ')})`);
    }
    const argument = params.arguments?.[0];
    const rule = typeof argument === 'string' ? findRule(argument) : undefined;
    if (!rule) throw new ResponseError(ErrorCodes.InvalidParams, `Dropout Lab language server: ${SHOW_DOCUMENTATION_COMMAND} needs a rule id or name, got ${JSON.stringify(argument)}`);
    const link = ctx.ruleDocs.link(rule.id);
    if (ctx.client.capabilities.window?.showDocument?.support) {
      const shown = await ctx.connection.window.showDocument({ uri: link, external: link.startsWith('http') });
      if (shown.success) return link;
    }
    void ctx.connection.sendNotification('window/showMessage', { type: MessageType.Info, message: `${rule.id} ${rule.name}: ${rule.summary} Documentation: ${link}` });
    return link;
  });
}
