// Writes one flat JSON object of numbers, booleans and strings: the load generator's machine-readable result.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

class JsonWriter {
public:
    JsonWriter& field(std::string_view name, double value) {
        key(name);
        if (std::isfinite(value)) {
            char text[64];
            std::snprintf(text, sizeof text, "%.6g", value);
            out_ += text;
        } else {
            out_ += "null";
        }
        return *this;
    }
    JsonWriter& field(std::string_view name, std::uint64_t value) {
        key(name);
        out_ += std::to_string(value);
        return *this;
    }
    JsonWriter& field(std::string_view name, bool value) {
        key(name);
        out_ += value ? "true" : "false";
        return *this;
    }
    JsonWriter& field(std::string_view name, std::string_view value) {
        key(name);
        out_ += '"';
        for (char c : value) {
            if (c == '"' || c == '\\') out_ += '\\';
            if (static_cast<unsigned char>(c) >= 0x20) out_ += c;
        }
        out_ += '"';
        return *this;
    }
    std::string finish() const { return out_ + "}"; }

private:
    void key(std::string_view name) {
        out_ += out_.empty() ? "{" : ",";
        out_ += '"';
        out_ += name;
        out_ += "\":";
    }
    std::string out_;
};
