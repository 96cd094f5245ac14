// The library table against the installed torchvision sources: every public builder of the
// classification, detection, segmentation and video modules (their `__all__`, parsed with
// tree-sitter) is in the table, and every fact the table claims is backed by what the source's
// classes and builders contain (found by the project index reading torchvision as a project).
// Where the source contains more than the table claims, the reason is written down below.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createPythonParser } from '../../../../src/lint/parser';
import { FRAMEWORK_PACKAGES, ProjectIndex } from '../../../../src/lint/project';
import { libraryModel, TORCHVISION_BUILDERS } from '../../../../src/lint/project/libraryModels';
import '../helpers';

const MODELS = '/usr/lib/python3/dist-packages/torchvision/models';

/** Modules holding public builders, relative to torchvision/models. */
const BUILDER_MODULES = [
  'alexnet', 'convnext', 'densenet', 'efficientnet', 'googlenet', 'inception', 'mnasnet', 'mobilenetv2', 'mobilenetv3',
  'regnet', 'resnet', 'shufflenetv2', 'squeezenet', 'vgg', 'vision_transformer', 'swin_transformer', 'maxvit',
  'detection/faster_rcnn', 'detection/fcos', 'detection/keypoint_rcnn', 'detection/mask_rcnn', 'detection/retinanet',
  'detection/ssd', 'detection/ssdlite', 'segmentation/deeplabv3', 'segmentation/fcn', 'segmentation/lraspp',
  'video/resnet', 'video/s3d', 'video/mvit', 'video/swin_transformer',
];

/**
 * Why the source mentions more than a default-built model contains. Keyed by builder-name pattern,
 * per fact: the derivation follows every layer a class or builder names, including defaults the
 * builder replaces and branches it does not take.
 */
const MORE_IN_SOURCE: Array<{ builders: RegExp; fact: 'D' | 'B'; why: string }> = [
  { builders: /^convnext_/, fact: 'B', why: 'ConvNeXt passes LayerNorm2d as norm_layer; Conv2dNormActivation only defaults to BatchNorm2d' },
  { builders: /^densenet/, fact: 'D', why: 'drop_rate defaults to 0 (F.dropout with p=0)' },
  { builders: /^vgg\d+$/, fact: 'B', why: 'make_layers adds BatchNorm2d only for the _bn variants' },
  { builders: /^vit_/, fact: 'B', why: 'BatchNorm2d only in the optional conv stem (conv_stem_configs)' },
  { builders: /^vit_/, fact: 'D', why: 'dropout and attention_dropout default to 0.0' },
  { builders: /^(?:fasterrcnn|maskrcnn|keypointrcnn|retinanet|fcos)_resnet50_fpn$|^retinanet_resnet50_fpn_v2$|^fasterrcnn_mobilenet_v3/, fact: 'B', why: 'the default pretrained backbone is built with FrozenBatchNorm2d (fixed statistics); heads use GroupNorm or none' },
  { builders: /^fasterrcnn_mobilenet_v3|^ssdlite|^lraspp/, fact: 'D', why: 'only the MobileNetV3 features are kept; its classifier (the dropout) is dropped' },
  { builders: /^ssd300_vgg16$/, fact: 'B', why: 'the VGG backbone is built without batch_norm' },
  { builders: /^ssd300_vgg16$/, fact: 'D', why: 'only the VGG features are kept; its classifier (the dropout) is dropped' },
];

function publicNames(file: string): string[] {
  const parser = createPythonParser();
  const tree = parser.parse(fs.readFileSync(file, 'utf8'))!;
  try {
    for (const statement of tree.rootNode.namedChildren) {
      const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
      if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.text !== '__all__') continue;
      const list = assignment.childForFieldName('right');
      return (list?.namedChildren ?? []).filter((n) => n?.type === 'string').map((n) => n!.text.slice(1, -1));
    }
    return [];
  } finally {
    tree.delete();
    parser.delete();
  }
}

describe('library models: the torchvision table against the installed sources', function () {
  this.timeout(120_000);
  const present = fs.existsSync(path.join(MODELS, 'vgg.py'));

  it('finds the installed torchvision sources (python3-torchvision)', () => {
    assert.ok(present, `torchvision sources not found under ${MODELS}: apt-get install python3-torchvision`);
  });

  it('lists every public builder, and every fact it claims is in the source', () => {
    const index = new ProjectIndex({ libraryPackages: new Set([...FRAMEWORK_PACKAGES].filter((p) => p !== 'torchvision')) });
    const from = path.join(MODELS, '__init__.py');
    const builders: string[] = [];
    const problems: string[] = [];
    for (const module of BUILDER_MODULES) {
      const file = path.join(MODELS, `${module}.py`);
      if (!fs.existsSync(file)) continue;
      const summary = index.summaryOf(file)!;
      for (const name of publicNames(file)) {
        if (!summary.functions[name] || !/^[a-z]/.test(name)) continue;
        builders.push(name);
        const table = TORCHVISION_BUILDERS[name];
        if (!table) {
          problems.push(`${module}.${name}: not in the table`);
          continue;
        }
        const facts = index.builtBy(`torchvision.models.${module.replace(/\//g, '.')}.${name}`, from);
        if (!facts) {
          problems.push(`${module}.${name}: the index cannot tell what it builds`);
          continue;
        }
        for (const [fact, claimed, found] of [['D', table.includes('D'), !!facts.dropout], ['B', table.includes('B'), !!facts.batchNorm]] as const) {
          if (claimed && !found) problems.push(`${module}.${name}: the table claims ${fact} but the source has none`);
          if (!claimed && found && !MORE_IN_SOURCE.some((m) => m.fact === fact && m.builders.test(name))) {
            problems.push(`${module}.${name}: the source has ${fact} (${fact === 'D' ? facts.dropout!.owner : facts.batchNorm!.owner}) but the table does not say why it is left out`);
          }
        }
      }
    }
    assert.deepStrictEqual(problems, []);
    // Classification alone has 80 builders in torchvision 0.14; detection 12, segmentation 6, video 5+.
    assert.ok(builders.length >= 100, `only ${builders.length} builders found`);
    // Nothing in the table that torchvision does not have.
    assert.deepStrictEqual(Object.keys(TORCHVISION_BUILDERS).filter((name) => !builders.includes(name) && !/^swin3d_/.test(name)), []);
  });

  it('answers through every spelling of a builder and leaves unknown objects unknown', () => {
    assert.strictEqual(libraryModel('torchvision.models.vgg16')?.dropout, 'nn.Dropout');
    assert.strictEqual(libraryModel('torchvision.models.vgg16')?.batchNorm, undefined);
    assert.strictEqual(libraryModel('torchvision.models.resnet.resnet50')?.batchNorm, 'nn.BatchNorm2d');
    assert.ok(libraryModel('torchvision.models.segmentation.deeplabv3_resnet50')?.dropout);
    assert.ok(libraryModel('torchvision.models.video.r3d_18')?.batchNorm);
    assert.strictEqual(libraryModel('torchvision.models.detection.fasterrcnn_resnet50_fpn')?.batchNorm, undefined);
    assert.strictEqual(libraryModel('torchvision.models.get_model'), undefined);
    assert.strictEqual(libraryModel('torchvision.models.VGG16_Weights'), undefined);
    assert.strictEqual(libraryModel('torch.hub.load', 'resnet18')?.batchNorm, 'nn.BatchNorm2d');
    assert.strictEqual(libraryModel('torch.hub.load', 'my_custom_entrypoint'), undefined);
    assert.ok(libraryModel('timm.create_model'));
    assert.strictEqual(libraryModel('transformers.AutoModelForSequenceClassification.from_pretrained')?.evalOnReturn, true);
    assert.ok(libraryModel('transformers.BertForSequenceClassification')?.dropout);
    assert.strictEqual(libraryModel('transformers.AutoTokenizer.from_pretrained'), undefined);
    assert.strictEqual(libraryModel('keras.applications.MobileNet')?.dropout, 'Dropout');
    assert.strictEqual(libraryModel('keras.applications.VGG16')?.dropout, undefined);
    assert.strictEqual(libraryModel('sklearn.ensemble.RandomForestClassifier'), undefined);
  });
});
