// UPDATE_NAMESRV_CONFIG / GET_NAMESRV_CONFIG (Java DefaultRequestProcessor.updateConfig/getConfig):
// the body is java.util.Properties text; black-listed keys are refused with NO_PERMISSION.
import { parseProperties } from '../../common/properties';
import { ResponseCode } from '../../protocol/response-code';
import { createResponse, type RemotingCommand } from '../../remoting/command';
import type { Connection } from '../../remoting/connection';
import type { NamesrvContext } from '../namesrv-context';

export class ConfigProcessor {
  constructor(private readonly ctx: NamesrvContext) {}

  updateConfig(conn: Connection, request: RemotingCommand): RemotingCommand {
    const { log, config } = this.ctx;
    log.info({ remote: conn.remoteAddress }, 'updateConfig called');
    if (request.body && request.body.length > 0) {
      const props = parseProperties(request.body.toString('utf8'));
      const black = config.blackList;
      const refused = [...props.keys()].filter((k) => black.has(k));
      if (refused.length > 0) {
        log.warn({ remote: conn.remoteAddress, keys: refused }, 'updateConfig refused: key in black list');
        return createResponse(request, ResponseCode.NO_PERMISSION, { remark: 'Can not update config in black list.' });
      }
      config.update(props);
      this.ctx.persistConfig();
    }
    return createResponse(request, ResponseCode.SUCCESS);
  }

  getConfig(_conn: Connection, request: RemotingCommand): RemotingCommand {
    const text = this.ctx.config.toPropertiesText();
    return createResponse(request, ResponseCode.SUCCESS, { body: text.trim() === '' ? undefined : Buffer.from(text, 'utf8') });
  }
}
