import { Controller, Get, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CompareDigests, type DigestComparison, type ReconcileOutcome } from './compare-digests';

@ApiTags('studio')
@Controller('api/anti-entropy')
export class CompareDigestsHttpController {
  constructor(private readonly digests: CompareDigests) {}

  @Get('buckets')
  @ApiOperation({ summary: "Both sides' digests of the 256 buckets two hex digits deep, and which differ" })
  buckets(): Promise<DigestComparison> {
    return this.digests.compare();
  }

  @Post('reconcile')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Run one anti-entropy pass on Cart-Query, and say what it found and repaired' })
  reconcile(): Promise<ReconcileOutcome> {
    return this.digests.reconcile();
  }
}
