// A hand-written check of the SARIF 2.1.0 properties we emit, against the OASIS spec's schema
// (sarif-schema-2.1.0.json): required properties, value constraints, and — because the schema
// declares `additionalProperties: false` on these objects — no property outside the spec's list.
// Returns the problems found (empty = valid for what it covers).

type Json = Record<string, unknown>;

const ALLOWED: Record<string, readonly string[]> = {
  log: ['$schema', 'version', 'runs', 'inlineExternalProperties', 'properties'],
  run: ['tool', 'invocations', 'conversion', 'language', 'versionControlProvenance', 'originalUriBaseIds', 'artifacts', 'logicalLocations', 'graphs', 'results', 'automationDetails', 'runAggregates', 'baselineGuid', 'redactionTokens', 'defaultEncoding', 'defaultSourceLanguage', 'newlineSequences', 'columnKind', 'externalPropertyFileReferences', 'threadFlowLocations', 'taxonomies', 'addresses', 'translations', 'policies', 'webRequests', 'webResponses', 'specialLocations', 'properties'],
  tool: ['driver', 'extensions', 'properties'],
  toolComponent: ['guid', 'name', 'organization', 'product', 'productSuite', 'shortDescription', 'fullDescription', 'fullName', 'version', 'semanticVersion', 'dottedQuadFileVersion', 'releaseDateUtc', 'downloadUri', 'informationUri', 'globalMessageStrings', 'notifications', 'rules', 'taxa', 'locations', 'language', 'contents', 'isComprehensive', 'localizedDataSemanticVersion', 'minimumRequiredLocalizedDataSemanticVersion', 'associatedComponent', 'translationMetadata', 'supportedTaxonomies', 'properties'],
  reportingDescriptor: ['id', 'deprecatedIds', 'guid', 'deprecatedGuids', 'name', 'deprecatedNames', 'shortDescription', 'fullDescription', 'messageStrings', 'defaultConfiguration', 'helpUri', 'help', 'relationships', 'properties'],
  multiformatMessageString: ['text', 'markdown', 'properties'],
  reportingConfiguration: ['enabled', 'level', 'rank', 'parameters', 'properties'],
  invocation: ['commandLine', 'arguments', 'responseFiles', 'startTimeUtc', 'endTimeUtc', 'exitCode', 'ruleConfigurationOverrides', 'notificationConfigurationOverrides', 'toolExecutionNotifications', 'toolConfigurationNotifications', 'exitCodeDescription', 'exitSignalName', 'exitSignalNumber', 'processStartFailureMessage', 'executionSuccessful', 'machine', 'account', 'processId', 'executableLocation', 'workingDirectory', 'environmentVariables', 'stdin', 'stdout', 'stderr', 'stdoutStderr', 'properties'],
  notification: ['locations', 'message', 'level', 'threadId', 'timeUtc', 'exception', 'descriptor', 'associatedRule', 'properties'],
  result: ['ruleId', 'ruleIndex', 'rule', 'kind', 'level', 'message', 'analysisTarget', 'locations', 'guid', 'correlationGuid', 'occurrenceCount', 'partialFingerprints', 'fingerprints', 'stacks', 'codeFlows', 'graphs', 'graphTraversals', 'relatedLocations', 'suppressions', 'baselineState', 'rank', 'attachments', 'hostedViewerUri', 'workItemUris', 'provenance', 'fixes', 'taxa', 'webRequest', 'webResponse', 'properties'],
  message: ['text', 'markdown', 'id', 'arguments', 'properties'],
  location: ['id', 'physicalLocation', 'logicalLocations', 'message', 'annotations', 'relationships', 'properties'],
  physicalLocation: ['address', 'artifactLocation', 'region', 'contextRegion', 'properties'],
  artifactLocation: ['uri', 'uriBaseId', 'index', 'description', 'properties'],
  region: ['startLine', 'startColumn', 'endLine', 'endColumn', 'charOffset', 'charLength', 'byteOffset', 'byteLength', 'snippet', 'message', 'sourceLanguage', 'properties'],
  fix: ['description', 'artifactChanges', 'properties'],
  artifactChange: ['artifactLocation', 'replacements', 'properties'],
  replacement: ['deletedRegion', 'insertedContent', 'properties'],
  artifactContent: ['text', 'binary', 'rendered', 'properties'],
};

const LEVELS = ['none', 'note', 'warning', 'error'];

export function checkSarif(log: unknown): string[] {
  const problems: string[] = [];
  const fail = (where: string, what: string) => problems.push(`${where}: ${what}`);

  const object = (value: unknown, where: string, kind: keyof typeof ALLOWED, required: string[] = []): value is Json => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail(where, `must be an object (${kind})`);
      return false;
    }
    for (const key of Object.keys(value)) if (!ALLOWED[kind].includes(key)) fail(where, `property "${key}" is not allowed on ${kind}`);
    for (const key of required) if (!(key in value)) fail(where, `missing required "${key}"`);
    return true;
  };
  const integer = (value: unknown, where: string, min: number) => {
    if (!Number.isInteger(value) || (value as number) < min) fail(where, `must be an integer ≥ ${min}`);
  };
  const uri = (value: unknown, where: string, absolute = false) => {
    if (typeof value !== 'string' || value === '' || /\s/.test(value)) fail(where, 'must be a URI without spaces');
    else if (absolute && !/^[a-z][a-z0-9+.-]*:/i.test(value)) fail(where, 'must be an absolute URI');
  };
  const message = (value: unknown, where: string, kind: 'message' | 'multiformatMessageString' = 'message') => {
    if (!object(value, where, kind)) return;
    if (typeof value.text !== 'string' && (kind === 'multiformatMessageString' || typeof value.id !== 'string')) fail(where, 'needs "text"');
  };
  const region = (value: unknown, where: string) => {
    if (!object(value, where, 'region')) return;
    integer(value.startLine, `${where}.startLine`, 1);
    if (value.startColumn !== undefined) integer(value.startColumn, `${where}.startColumn`, 1);
    if (value.endLine !== undefined) integer(value.endLine, `${where}.endLine`, 1);
    if (value.endColumn !== undefined) integer(value.endColumn, `${where}.endColumn`, 1);
    const endLine = (value.endLine ?? value.startLine) as number;
    if (endLine < (value.startLine as number)) fail(where, 'endLine before startLine');
    if (endLine === value.startLine && value.endColumn !== undefined && (value.endColumn as number) < ((value.startColumn ?? 1) as number)) fail(where, 'endColumn before startColumn');
  };
  const artifactLocation = (value: unknown, where: string) => {
    if (!object(value, where, 'artifactLocation')) return;
    uri(value.uri, `${where}.uri`, value.uriBaseId === undefined);
  };
  const location = (value: unknown, where: string) => {
    if (!object(value, where, 'location')) return;
    if (value.id !== undefined) integer(value.id, `${where}.id`, -1);
    if (value.message !== undefined) message(value.message, `${where}.message`);
    if (value.physicalLocation !== undefined && object(value.physicalLocation, `${where}.physicalLocation`, 'physicalLocation')) {
      artifactLocation(value.physicalLocation.artifactLocation, `${where}.physicalLocation.artifactLocation`);
      if (value.physicalLocation.region !== undefined) region(value.physicalLocation.region, `${where}.physicalLocation.region`);
    }
  };
  const array = (value: unknown, where: string, each: (item: unknown, where: string) => void, minItems = 0) => {
    if (!Array.isArray(value)) return fail(where, 'must be an array');
    if (value.length < minItems) fail(where, `needs at least ${minItems} item(s)`);
    value.forEach((item, i) => each(item, `${where}[${i}]`));
  };

  if (!object(log, '$', 'log', ['version', 'runs'])) return problems;
  if (log.version !== '2.1.0') fail('$.version', 'must be "2.1.0"');
  if (log.$schema !== undefined) uri(log.$schema, '$.$schema', true);
  array(log.runs, '$.runs', (run, where) => {
    if (!object(run, where, 'run', ['tool'])) return;
    let ruleIds: string[] = [];
    if (object(run.tool, `${where}.tool`, 'tool', ['driver']) && object(run.tool.driver, `${where}.tool.driver`, 'toolComponent', ['name'])) {
      const driver = run.tool.driver;
      if (typeof driver.name !== 'string') fail(`${where}.tool.driver.name`, 'must be a string');
      if (driver.informationUri !== undefined) uri(driver.informationUri, `${where}.tool.driver.informationUri`, true);
      if (driver.rules !== undefined) {
        array(driver.rules, `${where}.tool.driver.rules`, (rule, w) => {
          if (!object(rule, w, 'reportingDescriptor', ['id'])) return;
          if (typeof rule.id !== 'string') fail(`${w}.id`, 'must be a string');
          if (rule.helpUri !== undefined) uri(rule.helpUri, `${w}.helpUri`, true);
          if (rule.shortDescription !== undefined) message(rule.shortDescription, `${w}.shortDescription`, 'multiformatMessageString');
          if (rule.help !== undefined) message(rule.help, `${w}.help`, 'multiformatMessageString');
          if (rule.defaultConfiguration !== undefined && object(rule.defaultConfiguration, `${w}.defaultConfiguration`, 'reportingConfiguration')) {
            if (!LEVELS.includes(rule.defaultConfiguration.level as string)) fail(`${w}.defaultConfiguration.level`, 'invalid level');
          }
        });
        ruleIds = (driver.rules as Json[]).map((r) => r.id as string);
      }
    }
    if (run.columnKind !== undefined && !['utf8CodeUnits', 'utf16CodeUnits'].includes(run.columnKind as string)) fail(`${where}.columnKind`, 'invalid');
    if (run.originalUriBaseIds !== undefined) {
      for (const [id, base] of Object.entries(run.originalUriBaseIds as Json)) {
        artifactLocation(base, `${where}.originalUriBaseIds.${id}`);
        if (typeof (base as Json).uri === 'string' && !((base as Json).uri as string).endsWith('/')) fail(`${where}.originalUriBaseIds.${id}.uri`, 'must end with "/"');
      }
    }
    if (run.invocations !== undefined) {
      array(run.invocations, `${where}.invocations`, (inv, w) => {
        if (!object(inv, w, 'invocation', ['executionSuccessful'])) return;
        if (typeof inv.executionSuccessful !== 'boolean') fail(`${w}.executionSuccessful`, 'must be a boolean');
        if (inv.toolExecutionNotifications !== undefined) {
          array(inv.toolExecutionNotifications, `${w}.toolExecutionNotifications`, (n, nw) => {
            if (!object(n, nw, 'notification', ['message'])) return;
            message(n.message, `${nw}.message`);
            if (n.level !== undefined && !LEVELS.includes(n.level as string)) fail(`${nw}.level`, 'invalid level');
            if (n.locations !== undefined) array(n.locations, `${nw}.locations`, location);
          });
        }
      });
    }
    if (run.results !== undefined) {
      array(run.results, `${where}.results`, (res, w) => {
        if (!object(res, w, 'result', ['message'])) return;
        message(res.message, `${w}.message`);
        if (res.level !== undefined && !LEVELS.includes(res.level as string)) fail(`${w}.level`, 'invalid level');
        if (res.ruleIndex !== undefined) {
          integer(res.ruleIndex, `${w}.ruleIndex`, -1);
          if (ruleIds[res.ruleIndex as number] !== res.ruleId) fail(`${w}.ruleIndex`, `points at ${ruleIds[res.ruleIndex as number]}, not ${String(res.ruleId)}`);
        }
        if (res.locations !== undefined) array(res.locations, `${w}.locations`, location);
        if (res.relatedLocations !== undefined) array(res.relatedLocations, `${w}.relatedLocations`, location);
        if (res.fixes !== undefined) {
          array(res.fixes, `${w}.fixes`, (fix, fw) => {
            if (!object(fix, fw, 'fix', ['artifactChanges'])) return;
            if (fix.description !== undefined) message(fix.description, `${fw}.description`);
            array(fix.artifactChanges, `${fw}.artifactChanges`, (change, cw) => {
              if (!object(change, cw, 'artifactChange', ['artifactLocation', 'replacements'])) return;
              artifactLocation(change.artifactLocation, `${cw}.artifactLocation`);
              array(change.replacements, `${cw}.replacements`, (rep, rw) => {
                if (!object(rep, rw, 'replacement', ['deletedRegion'])) return;
                region(rep.deletedRegion, `${rw}.deletedRegion`);
                if (rep.insertedContent !== undefined) object(rep.insertedContent, `${rw}.insertedContent`, 'artifactContent');
              }, 1);
            }, 1);
          });
        }
      });
    }
  }, 1);
  return problems;
}
