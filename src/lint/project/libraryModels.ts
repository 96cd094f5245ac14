// Library models as data, in one place: which constructors and factories of model libraries give a
// model whose behaviour depends on train/eval mode (dropout and/or BatchNorm), and which return it
// in eval mode already. Everything not listed here stays unknown (no finding rests on a guess).
// The torchvision part is checked against the installed torchvision sources by a unit test
// (test/unit/lint/project/libraryModels.test.ts).

export interface LibraryModel {
  /** For messages: `torchvision vgg16`, `timm model`, `AutoModel.from_pretrained`. */
  display: string;
  framework: 'torch' | 'keras';
  /** The dropout it contains by default (display), if any. */
  dropout?: string;
  /** The BatchNorm it contains by default (display), if any (FrozenBatchNorm2d does not count: it ignores the mode). */
  batchNorm?: string;
  /** Returned in eval mode (Hugging Face `from_pretrained`). */
  evalOnReturn?: boolean;
}

type Facts = 'D' | 'B' | 'DB' | '-';

/**
 * torchvision.models builders (every public builder of the modules' `__all__`, torchvision 0.14+)
 * and what their default model contains: D dropout, B BatchNorm (mode-dependent), - neither.
 * Detection models built with their default pretrained backbone use FrozenBatchNorm2d (fixed
 * statistics): '-' unless a head or backbone has real BatchNorm or dropout.
 */
export const TORCHVISION_BUILDERS: Readonly<Record<string, Facts>> = {
  // classification
  alexnet: 'D',
  convnext_tiny: '-', convnext_small: '-', convnext_base: '-', convnext_large: '-',
  densenet121: 'B', densenet161: 'B', densenet169: 'B', densenet201: 'B',
  efficientnet_b0: 'DB', efficientnet_b1: 'DB', efficientnet_b2: 'DB', efficientnet_b3: 'DB', efficientnet_b4: 'DB',
  efficientnet_b5: 'DB', efficientnet_b6: 'DB', efficientnet_b7: 'DB', efficientnet_v2_s: 'DB', efficientnet_v2_m: 'DB', efficientnet_v2_l: 'DB',
  googlenet: 'DB', inception_v3: 'DB',
  mnasnet0_5: 'DB', mnasnet0_75: 'DB', mnasnet1_0: 'DB', mnasnet1_3: 'DB',
  mobilenet_v2: 'DB', mobilenet_v3_large: 'DB', mobilenet_v3_small: 'DB',
  regnet_y_400mf: 'B', regnet_y_800mf: 'B', regnet_y_1_6gf: 'B', regnet_y_3_2gf: 'B', regnet_y_8gf: 'B', regnet_y_16gf: 'B',
  regnet_y_32gf: 'B', regnet_y_128gf: 'B', regnet_x_400mf: 'B', regnet_x_800mf: 'B', regnet_x_1_6gf: 'B', regnet_x_3_2gf: 'B',
  regnet_x_8gf: 'B', regnet_x_16gf: 'B', regnet_x_32gf: 'B',
  resnet18: 'B', resnet34: 'B', resnet50: 'B', resnet101: 'B', resnet152: 'B', resnext50_32x4d: 'B', resnext101_32x8d: 'B',
  resnext101_64x4d: 'B', wide_resnet50_2: 'B', wide_resnet101_2: 'B',
  shufflenet_v2_x0_5: 'B', shufflenet_v2_x1_0: 'B', shufflenet_v2_x1_5: 'B', shufflenet_v2_x2_0: 'B',
  squeezenet1_0: 'D', squeezenet1_1: 'D',
  vgg11: 'D', vgg11_bn: 'DB', vgg13: 'D', vgg13_bn: 'DB', vgg16: 'D', vgg16_bn: 'DB', vgg19: 'D', vgg19_bn: 'DB',
  // ViT's dropout and attention dropout rates default to 0.0: train and eval give the same output.
  vit_b_16: '-', vit_b_32: '-', vit_l_16: '-', vit_l_32: '-', vit_h_14: '-',
  swin_t: 'D', swin_s: 'D', swin_b: 'D', swin_v2_t: 'D', swin_v2_s: 'D', swin_v2_b: 'D',
  maxvit_t: 'DB',
  // detection
  fasterrcnn_resnet50_fpn: '-', fasterrcnn_resnet50_fpn_v2: 'B', fasterrcnn_mobilenet_v3_large_fpn: '-', fasterrcnn_mobilenet_v3_large_320_fpn: '-',
  fcos_resnet50_fpn: '-', keypointrcnn_resnet50_fpn: '-', maskrcnn_resnet50_fpn: '-', maskrcnn_resnet50_fpn_v2: 'B',
  retinanet_resnet50_fpn: '-', retinanet_resnet50_fpn_v2: '-', ssd300_vgg16: '-', ssdlite320_mobilenet_v3_large: 'B',
  // segmentation
  deeplabv3_resnet50: 'DB', deeplabv3_resnet101: 'DB', deeplabv3_mobilenet_v3_large: 'DB',
  fcn_resnet50: 'DB', fcn_resnet101: 'DB', lraspp_mobilenet_v3_large: 'B',
  // video
  r3d_18: 'B', mc3_18: 'B', r2plus1d_18: 'B', s3d: 'DB', mvit_v1_b: 'D', mvit_v2_s: 'D', swin3d_t: 'D', swin3d_s: 'D', swin3d_b: 'D',
};

function torchvision(name: string): LibraryModel | undefined {
  const facts = Object.prototype.hasOwnProperty.call(TORCHVISION_BUILDERS, name) ? TORCHVISION_BUILDERS[name] : undefined;
  if (!facts) return undefined;
  return {
    display: `torchvision ${name}`,
    framework: 'torch',
    dropout: facts.includes('D') ? 'nn.Dropout' : undefined,
    batchNorm: facts.includes('B') ? 'nn.BatchNorm2d' : undefined,
  };
}

/** keras.applications models with their default `include_top=True` head: BatchNorm and/or dropout. */
const KERAS_APPLICATIONS: Readonly<Record<string, Facts>> = {
  VGG16: '-', VGG19: '-', Xception: 'B', InceptionV3: 'B', InceptionResNetV2: 'B',
  ResNet50: 'B', ResNet101: 'B', ResNet152: 'B', ResNet50V2: 'B', ResNet101V2: 'B', ResNet152V2: 'B',
  MobileNet: 'DB', MobileNetV2: 'B', MobileNetV3Small: 'DB', MobileNetV3Large: 'DB',
  DenseNet121: 'B', DenseNet169: 'B', DenseNet201: 'B', NASNetMobile: 'B', NASNetLarge: 'B',
  EfficientNetB0: 'DB', EfficientNetB1: 'DB', EfficientNetB2: 'DB', EfficientNetB3: 'DB', EfficientNetB4: 'DB',
  EfficientNetB5: 'DB', EfficientNetB6: 'DB', EfficientNetB7: 'DB',
  EfficientNetV2B0: 'DB', EfficientNetV2B1: 'DB', EfficientNetV2B2: 'DB', EfficientNetV2B3: 'DB',
  EfficientNetV2S: 'DB', EfficientNetV2M: 'DB', EfficientNetV2L: 'DB',
  ConvNeXtTiny: '-', ConvNeXtSmall: '-', ConvNeXtBase: '-', ConvNeXtLarge: '-', ConvNeXtXLarge: '-',
  RegNetX002: 'B', RegNetY002: 'B',
};

/** Hugging Face task heads (`BertForSequenceClassification`) and auto classes carry hidden/attention dropout. */
const HF_MODEL_CLASS = /^transformers\.(?:\w+\.)*(?:AutoModel\w*|\w+For[A-Z]\w*|\w+Model|TFAutoModel\w*)$/;

/**
 * What a library callee (canonical dotted name, see resolve.ts) builds, or undefined when it is not
 * a known model factory. `firstArgument` is the literal first string argument, when there is one
 * (`timm.create_model('resnet50')`, `torch.hub.load('pytorch/vision', 'resnet18')` gives the second).
 */
export function libraryModel(qualified: string, modelName?: string): LibraryModel | undefined {
  const tv = /^torchvision\.models\.(?:(?:detection|segmentation|video|quantization|optical_flow)\.)?(?:\w+\.)?([a-z]\w*)$/.exec(qualified);
  if (tv) return torchvision(tv[1]!);
  if (qualified === 'timm.create_model' || qualified === 'timm.models.create_model') {
    // Almost every timm model has BatchNorm or dropout (drop_rate); its name rarely says which.
    return { display: modelName ? `timm ${modelName}` : 'timm model', framework: 'torch', dropout: 'dropout (drop_rate)', batchNorm: 'BatchNorm' };
  }
  if (qualified === 'torch.hub.load') {
    const known = modelName ? torchvision(modelName) : undefined;
    return known ? { ...known, display: `torch.hub ${modelName}` } : undefined;
  }
  const hf = /^(transformers\.(?:\w+\.)*(\w+))\.from_pretrained$/.exec(qualified);
  if (hf && HF_MODEL_CLASS.test(hf[1]!) && !hf[2]!.startsWith('TF')) {
    return { display: `${hf[2]}.from_pretrained`, framework: 'torch', dropout: 'dropout (hidden/attention dropout)', evalOnReturn: true };
  }
  if (HF_MODEL_CLASS.test(qualified) && !/\.TF\w+$/.test(qualified) && !/\.AutoModel\w*$/.test(qualified)) {
    // Built from a config: a fresh model, in training mode.
    return { display: qualified.split('.').pop()!, framework: 'torch', dropout: 'dropout (hidden/attention dropout)' };
  }
  const keras = /^keras\.applications\.(?:\w+\.)?(\w+)$/.exec(qualified);
  if (keras) {
    const facts = Object.prototype.hasOwnProperty.call(KERAS_APPLICATIONS, keras[1]!) ? KERAS_APPLICATIONS[keras[1]!] : undefined;
    if (!facts) return undefined;
    return {
      display: `keras.applications ${keras[1]}`,
      framework: 'keras',
      dropout: facts.includes('D') ? 'Dropout' : undefined,
      batchNorm: facts.includes('B') ? 'BatchNormalization' : undefined,
    };
  }
  return undefined;
}
