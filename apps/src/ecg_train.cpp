// spikekit ecg train: features of MIT-BIH beats, the ANN trained on them, converted to an integer SNN.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include "ecg_model.hpp"
#include "ecg_verbs.hpp"
#include "spikekit/core/error.hpp"

#ifndef SPIKEKIT_SOURCE_DIR
#define SPIKEKIT_SOURCE_DIR "."
#endif

namespace spikekit::app::ecg {
namespace {

constexpr const char* train_help = R"(usage: spikekit ecg train --records LIST --out MODEL/ [options]

Train the arrhythmia classifier on MIT-BIH beats (AAMI classes N, S, V, F, Q) and write MODEL/: ecg.json
(features, float ANN) and network.json (the integer spiking network: 8-bit weights, lif_int).
Each beat's input is the band-passed lead (MLII) encoded into level crossings, cut around the annotated R
peak into 20 ms bins of up/down events (-240..+400 ms), plus six RR-interval spike counts.

LIST is comma-separated record paths or names, or ds1, ds2, all (de Chazal's inter-patient split; `all` =
DS1 + DS2, the 44 non-paced records), names resolved in --data.

options:
  --records LIST     training records (required)
  --out DIR          model folder to write (required)
  --classes 4|5      N S V F (Q beats left out) or N S V F Q (default 5)
  --split inter|intra
                     inter (default): every beat of LIST trains, the records of --test are the test set
                     (a record in both is refused); intra: the beats of LIST are split 80/20 (seeded)
  --test LIST        test records of --split inter (default ds2)
  --data DIR         folder of the records (default ../shared/data/mitdb beside the source tree)
  --hidden N         hidden neurons (default 48)
  --epochs N         training epochs (default 20)
  --class-weight P   class c weighs (beats of the largest class / beats of c)^P in the loss (default 1)
  --seed S           seed of the split, the initial weights and the minibatch order (default 1)
  --json             JSON on stdout: split, records, beats, test scores of the float ANN
  --quiet            no progress on stderr
  --help, -h         this text

exit codes: 0 ok, 1 runtime failure, 2 bad input
)";

std::vector<float> inputs_of(const std::vector<beat>& beats, const std::vector<std::size_t>& idx,
                             const feature_config& f, std::vector<int>& y) {
    std::vector<float> x;
    for (auto i : idx) {
        const auto v = ann_input(beats[i], f);
        x.insert(x.end(), v.begin(), v.end());
        y.push_back(beats[i].label);
    }
    return x;
}

std::vector<std::string> names_of(const std::vector<std::string>& paths) {
    std::vector<std::string> n;
    for (const auto& p : paths) n.push_back(record_name(p));
    return n;
}

} // namespace

std::string data_dir(const args& a) {
    if (auto d = a.get("--data")) return *d;
    const auto shared = std::filesystem::path(SPIKEKIT_SOURCE_DIR) / ".." / "shared" / "data" / "mitdb";
    return std::filesystem::exists(shared) ? shared.lexically_normal().string() : std::string("mitdb");
}

std::vector<beat> load_beats(const std::vector<std::string>& records, const feature_config& f,
                             const class_set& cs, bool quiet) {
    std::vector<beat> all;
    progress_bar bar(!quiet, "reading records");
    for (std::size_t k = 0; k < records.size(); ++k) {
        const auto r = load_record(records[k], f);
        auto beats = annotated_beats(r, f, cs);
        for (auto& b : beats) b.record = static_cast<std::uint32_t>(k);
        all.insert(all.end(), std::make_move_iterator(beats.begin()), std::make_move_iterator(beats.end()));
        bar.update(static_cast<double>(k + 1) / static_cast<double>(records.size()));
    }
    bar.finish();
    return all;
}

int train_verb(const std::vector<std::string>& argv) {
    args a(argv, {"--json", "--quiet", "--help"},
           {"--records", "--out", "--classes", "--split", "--test", "--data", "--hidden", "--epochs",
            "--seed", "--class-weight"});
    if (a.flag("--help") || (!a.positional().empty() && a.positional()[0] == "-h")) {
        std::cout << train_help;
        return ok;
    }
    if (!a.positional().empty()) throw usage_error("ecg train takes no positional argument (see --help)");
    const auto list = a.get("--records");
    const auto out = a.get("--out");
    if (!list || !out) throw usage_error("ecg train needs --records LIST and --out MODEL/");
    model m;
    m.dir = *out;
    m.classes.count = static_cast<int>(a.integer("--classes", 5, 4, 5));
    const std::string split = a.get("--split").value_or("inter");
    if (split != "inter" && split != "intra")
        throw usage_error("--split expects inter or intra, got '" + split + "'");
    training_options o;
    o.hidden = static_cast<int>(a.integer("--hidden", o.hidden, 2, 1024));
    o.epochs = static_cast<int>(a.integer("--epochs", o.epochs, 1, 10000));
    o.class_weight_power = a.number("--class-weight", o.class_weight_power);
    if (!(o.class_weight_power >= 0 && o.class_weight_power <= 2))
        throw usage_error("--class-weight expects a power in [0, 2]");
    o.seed = static_cast<std::uint64_t>(a.integer("--seed", 1, 0, 1LL << 53));
    const bool quiet = a.flag("--quiet");
    const auto dir = data_dir(a);
    const auto train_records = resolve_records(*list, dir);
    std::vector<std::string> test_records;
    if (split == "inter") {
        test_records = resolve_records(a.get("--test").value_or("ds2"), dir);
        const auto train_names = names_of(train_records);
        for (const auto& t : names_of(test_records))
            if (std::find(train_names.begin(), train_names.end(), t) != train_names.end())
                throw usage_error("record " + t +
                                  " is in both --records and --test: an inter-patient split "
                                  "keeps every test patient out of training");
    } else if (a.get("--test")) {
        throw usage_error("--test applies to --split inter only");
    }
    std::filesystem::create_directories(*out);
    check_output_path("--out", (std::filesystem::path(*out) / "ecg.json").string());

    auto beats = load_beats(train_records, m.features, m.classes, quiet);
    std::vector<beat> test_beats;
    std::vector<std::size_t> train_idx, test_idx;
    if (split == "intra") {
        intra_split(beats.size(), o.seed, 0.2, train_idx, test_idx);
    } else {
        for (std::size_t i = 0; i < beats.size(); ++i) train_idx.push_back(i);
        test_beats = load_beats(test_records, m.features, m.classes, quiet);
        for (std::size_t i = 0; i < test_beats.size(); ++i) test_idx.push_back(i);
    }
    if (train_idx.empty()) throw input_error(*list, "", "no annotated beats of the classes to train on");
    std::vector<int> y;
    const auto x = inputs_of(beats, train_idx, m.features, y);
    const auto say = [&](int epoch, double loss) {
        if (!quiet) std::fprintf(stderr, "epoch %3d/%d  loss %.4f\n", epoch, o.epochs, loss);
    };
    m.ann = train_mlp(x, y, m.features.inputs(), m.classes.count, o, say);

    const auto& tb = split == "intra" ? beats : test_beats;
    scores s(m.classes.count);
    for (auto i : test_idx) s.add(tb[i].label, ann_classify(m, tb[i]));
    nlohmann::json j = {{"split", split},
                        {"seed", o.seed},
                        {"hidden", o.hidden},
                        {"epochs", o.epochs},
                        {"records", names_of(train_records)},
                        {"test_records", names_of(test_records)},
                        {"train_beats", train_idx.size()},
                        {"test_beats", test_idx.size()},
                        {"test_ann", s.to_json(m.classes)}};
    m.training = j;
    // Thresholds are balanced on every 16th training beat (the largest hidden activation).
    std::vector<beat> calibration;
    for (std::size_t k = 0; k < train_idx.size(); k += 16) calibration.push_back(beats[train_idx[k]]);
    save_model(m, calibration);
    j["out"] = *out;
    if (a.flag("--json")) {
        std::cout << j.dump(2) << "\n";
        return ok;
    }
    std::printf("trained    %s split, %zu training beats of %zu records, %d hidden neurons, %d epochs\n",
                split.c_str(), train_idx.size(), train_records.size(), o.hidden, o.epochs);
    std::printf("wrote      %s (ecg.json, network.json)\n", out->c_str());
    if (!test_idx.empty()) s.print(m.classes, "test (float ANN)");
    return ok;
}

} // namespace spikekit::app::ecg
