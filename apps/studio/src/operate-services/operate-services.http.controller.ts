import { Body, Controller, Get, HttpCode, HttpStatus, Put, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type InstanceOperations, ServiceOperations } from './service-operations';
import { SetPausedRequest, SetReplicationDelayRequest } from './operate-services.request';

/** Pause, resume and delay every Cart-Query instance; answered per instance. */
@ApiTags('studio')
@Controller('api/operations')
export class OperateServicesHttpController {
  constructor(private readonly operations: ServiceOperations) {}

  @Get()
  state(): Promise<InstanceOperations[]> {
    return this.operations.state();
  }

  @Put('consumption')
  @HttpCode(HttpStatus.OK)
  async setPaused(@Body() body: SetPausedRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return worst(reply, await this.operations.setPaused(body.paused));
  }

  @Put('replication-delay')
  @HttpCode(HttpStatus.OK)
  async setDelay(@Body() body: SetReplicationDelayRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return worst(reply, await this.operations.setReplicationDelay(body.minMs, body.maxMs));
  }
}

/** One instance refusing makes the whole answer its status: the experiment would not hold. */
function worst(
  reply: FastifyReply,
  instances: InstanceOperations[],
): { code?: string; instances: InstanceOperations[] } {
  const refused = instances.find((instance) => instance.status !== 200);
  if (!refused) return { instances };
  void reply.status(refused.status);
  return { code: refused.code, instances };
}
