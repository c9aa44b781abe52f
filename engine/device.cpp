#include "engine/device.h"

#include <stdexcept>

namespace nlammr {

Device parse_device(const std::string& text) {
  if (text == "cpu") return Device::cpu();
  if (text == "cuda") return Device::cuda(0);
  if (text.rfind("cuda:", 0) == 0) {
    const std::string index = text.substr(5);
    if (!index.empty() && index.find_first_not_of("0123456789") == std::string::npos)
      return Device::cuda(std::stoi(index));
  }
  if (text == "cuda-sim") return Device::simulated_cuda(0);
  if (text.rfind("cuda-sim:", 0) == 0) {
    const std::string index = text.substr(9);
    if (!index.empty() && index.find_first_not_of("0123456789") == std::string::npos)
      return Device::simulated_cuda(std::stoi(index));
  }
  throw std::runtime_error("unknown device '" + text + "' (expected cpu, cuda, cuda:N or cuda-sim)");
}

}  // namespace nlammr
