# IssueBERT's classifier for Hugging Face transformers: BERT, a pooling
# (pooler, [CLS] or the masked mean) and a head (linear or the tutorial's MLP)
# as IssueBERT computes them, under IssueBERT's parameter names, so a folder it
# saved gives its probabilities in Python. IssueBERT copies this file into every
# saved model that transformers' own BertForSequenceClassification (pooler +
# linear) would compute differently; load such a folder with
#   AutoModelForSequenceClassification.from_pretrained(folder, trust_remote_code=True)
# Checked with transformers 4.45 (tests/e2e/transformers_parity.sh); meant for
# 5.x too, so it leans on BertModel and BertPreTrainedModel only.
import torch
from torch import nn
from transformers import BertConfig, BertModel
from transformers.modeling_outputs import SequenceClassifierOutput
from transformers.models.bert.modeling_bert import BertPreTrainedModel

HEADS = ("linear", "mlp")
POOLINGS = ("pooler", "cls", "mean")
# The MLP head's hidden units and dropout (core/model/heads.h).
MLP_HIDDEN = (64, 32)
MLP_DROPOUT = 0.2


class IssueBertConfig(BertConfig):
    # Not "bert": without trust_remote_code transformers refuses the folder
    # instead of silently running BertForSequenceClassification on it.
    model_type = "issuebert"

    def __init__(self, issuebert_head="linear", issuebert_pooling="pooler", **kwargs):
        super().__init__(**kwargs)
        if issuebert_head not in HEADS:
            raise ValueError(f"issuebert_head {issuebert_head!r} is not one of {HEADS}")
        if issuebert_pooling not in POOLINGS:
            raise ValueError(f"issuebert_pooling {issuebert_pooling!r} is not one of {POOLINGS}")
        self.issuebert_head = issuebert_head
        self.issuebert_pooling = issuebert_pooling


def pool(pooling, last_hidden, pooled, attention_mask):
    """One vector per text: [B, T, H] (and the pooler's [B, H]) -> [B, H]."""
    if pooling == "pooler":
        return pooled
    if pooling == "cls":
        return last_hidden[:, 0]
    # sentence-transformers' mean: padding excluded, never a division by 0.
    mask = attention_mask.to(last_hidden.dtype).unsqueeze(-1)  # [B, T, 1]
    return (last_hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)


class IssueBertForSequenceClassification(BertPreTrainedModel):
    config_class = IssueBertConfig

    def __init__(self, config):
        super().__init__(config)
        self.num_labels = config.num_labels
        self.head = getattr(config, "issuebert_head", "linear")
        self.pooling = getattr(config, "issuebert_pooling", "pooler")
        # IssueBERT always keeps the pooler's weights, used or not.
        self.bert = BertModel(config, add_pooling_layer=True)
        if self.head == "linear":
            dropout = config.classifier_dropout
            self.dropout = nn.Dropout(config.hidden_dropout_prob if dropout is None else dropout)
            self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        else:
            # Indices 0, 3, 6 are the Linear layers: IssueBERT's keys classifier.0/3/6.
            self.classifier = nn.Sequential(
                nn.Linear(config.hidden_size, MLP_HIDDEN[0]), nn.ReLU(), nn.Dropout(MLP_DROPOUT),
                nn.Linear(MLP_HIDDEN[0], MLP_HIDDEN[1]), nn.ReLU(), nn.Dropout(MLP_DROPOUT),
                nn.Linear(MLP_HIDDEN[1], config.num_labels))
        self.post_init()

    def _init_weights(self, module):
        super()._init_weights(module)
        # IssueBERT starts the MLP head as Keras' Dense: Glorot-uniform, zero bias.
        if self.head == "mlp" and isinstance(module, nn.Linear) and isinstance(
                getattr(self, "classifier", None), nn.Sequential) and any(
                    module is layer for layer in self.classifier):
            nn.init.xavier_uniform_(module.weight)
            nn.init.zeros_(module.bias)

    def forward(self, input_ids=None, attention_mask=None, token_type_ids=None,
                position_ids=None, inputs_embeds=None, labels=None, return_dict=None, **kwargs):
        if return_dict is None:
            return_dict = getattr(self.config, "use_return_dict", True)
        outputs = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                            token_type_ids=token_type_ids, position_ids=position_ids,
                            inputs_embeds=inputs_embeds, return_dict=True, **kwargs)
        last_hidden = outputs.last_hidden_state  # [B, T, H]
        if attention_mask is None:
            attention_mask = torch.ones(last_hidden.shape[:2], device=last_hidden.device)
        features = pool(self.pooling, last_hidden, outputs.pooler_output, attention_mask)
        if self.head == "linear":
            features = self.dropout(features)
        logits = self.classifier(features)  # [B, C]

        loss = None
        if labels is not None:
            loss = self._loss(logits, labels)
        if not return_dict:
            output = (logits,) + tuple(outputs.to_tuple()[2:])
            return ((loss,) + output) if loss is not None else output
        return SequenceClassifierOutput(loss=loss, logits=logits,
                                        hidden_states=outputs.hidden_states,
                                        attentions=outputs.attentions)

    def _loss(self, logits, labels):
        # As BertForSequenceClassification: the problem type decides the loss.
        problem = self.config.problem_type
        if problem is None:
            if self.num_labels == 1:
                problem = "regression"
            elif labels.dtype in (torch.long, torch.int):
                problem = "single_label_classification"
            else:
                problem = "multi_label_classification"
        if problem == "regression":
            return nn.functional.mse_loss(logits.squeeze(), labels.squeeze().to(logits.dtype))
        if problem == "single_label_classification":
            return nn.functional.cross_entropy(logits.view(-1, self.num_labels), labels.view(-1))
        return nn.functional.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype))
