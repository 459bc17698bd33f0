#include "tools/rmhub-seed/customer_demo.h"

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/pii/validation.h"
#include "services/customer/domain/segmentation.h"

namespace rmhub::seed {
namespace {

// A well-mixed 64-bit value of (index, salt): splitmix64's finaliser. Pure arithmetic, so the
// data is the same on every machine and every run.
uint64_t Mix(uint64_t index, uint64_t salt) {
  uint64_t z = index * 0x9E3779B97F4A7C15ULL + salt * 0xBF58476D1CE4E5B9ULL + 0x5EED;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

int Pick(int index, uint64_t salt, int n) {
  return static_cast<int>(Mix(static_cast<uint64_t>(index), salt) % static_cast<uint64_t>(n));
}

// An amount in [lo, hi) fen, whole yuan.
int64_t Amount(int64_t lo, int64_t hi, int index, uint64_t salt) {
  int64_t yuan_lo = (lo + 99) / 100, yuan_hi = hi / 100;
  return (yuan_lo +
          static_cast<int64_t>(Mix(index, salt) % static_cast<uint64_t>(yuan_hi - yuan_lo))) *
         100;
}

rmhub::common::v1::Money Cny(int64_t minor) {
  rmhub::common::v1::Money m;
  m.set_currency_code("CNY");
  m.set_minor_units(minor);
  return m;
}

// How a type's customers spread over the tiers: one letter per customer in a repeating cycle
// (asset: Small Medium Large Vip; value: Low Medium High). The cycles are 25 and 7 long, coprime
// with each other, so every (asset, value) pair occurs within 175 customers of a type, and with
// the 4 demo managers of a kind, so each manager gets every tier.
struct TierMix {
  const char* asset;    // 25 letters
  const char* value;    // 7 letters
  int64_t vip_factor;   // VIP AUM up to this many times the VIP threshold
  int64_t high_factor;  // HIGH contribution up to this many times the HIGH threshold
};

constexpr int kAssetCycle = 25;
constexpr TierMix kRetailMix = {"SSSSSSSSSSMMMMMMMMMLLLLLV", "LLLLMMH", 4, 5};
constexpr TierMix kPrivateBankingMix = {"VVVVVVVVVVVVVVVLLLLLLMMMS", "HHMHMLH", 8, 6};
constexpr TierMix kCorporateMix = {"SSSSSSMMMMMMMMLLLLLLVVVVV", "LMMHLMH", 40, 40};

// An amount in the tier `letter` names: bounds[k] .. bounds[k+1] for the k-th letter of `letters`.
int64_t AmountInTier(char letter, const char* letters, const std::vector<int64_t>& bounds,
                     int index, uint64_t salt) {
  const size_t k = std::string_view(letters).find(letter);
  return Amount(bounds[k], bounds[k + 1], index, salt);
}

void SetMoney(cv1::Customer& c, char asset, char value, const TierMix& mix, int index) {
  const customer::SegmentThresholds t;  // the customer service's defaults
  const int64_t aum = AmountInTier(
      asset, "SMLV", {100'000, t.medium_aum, t.large_aum, t.vip_aum, t.vip_aum * mix.vip_factor},
      index, 11);
  const int64_t contribution = AmountInTier(
      value, "LMH",
      {10'000, t.medium_contribution, t.high_contribution, t.high_contribution * mix.high_factor},
      index, 12);
  *c.mutable_aum() = Cny(aum);
  *c.mutable_annual_contribution() = Cny(contribution);
}

cv1::CustomerStatus StatusOf(int index) {
  // Of 40: 32 active, 5 prospects, 1 dormant (few: each is a NEWLY_DORMANT care reminder for the
  // first 30 days), 2 churned.
  int n = Pick(index, 13, 40);
  if (n < 32) return cv1::ACTIVE;
  if (n < 37) return cv1::PROSPECT;
  if (n < 38) return cv1::DORMANT;
  return cv1::CHURNED;
}

void SetPreferences(cv1::Customer& c, int index) {
  int needs = Pick(index, 14, 7) + 1;  // a non-empty subset of the three needs
  for (cv1::Need need : {cv1::INVESTMENT, cv1::CONSUMPTION, cv1::SAVINGS}) {
    if (needs & (1 << (need - 1))) c.add_needs(need);
  }
  c.set_risk_tolerance(static_cast<cv1::RiskTolerance>(Pick(index, 15, 5) + 1));
}

std::string Phone(int index) {
  static constexpr const char* kPrefixes[] = {"138", "139", "137", "136", "150",
                                              "151", "158", "186", "187", "188"};
  return absl::StrFormat("%s%08d", kPrefixes[Pick(index, 16, 10)],
                         static_cast<int>(Mix(index, 17) % 100'000'000));
}

// Shanghai districts: Pudong, Huangpu, Xuhui, Changning, Jing'an, Putuo, Hongkou, Yangpu.
constexpr const char* kRegions[] = {"310115", "310101", "310104", "310105",
                                    "310106", "310107", "310109", "310110"};
constexpr int kRegionCount = 8;

// A resident ID of a person born on `born`: region and sequence from the index, so IDs never
// repeat (index < 8,000); an odd sequence is a man, as on real IDs.
std::string NationalId(int index, absl::CivilDay born) {
  std::string first17 =
      absl::StrFormat("%s%04d%02d%02d%03d", kRegions[index % kRegionCount], born.year(),
                      born.month(), born.day(), index / kRegionCount % 1000);
  return first17 + pii::NationalIdCheckDigit(first17);
}

bool IsMale(int index) { return index / kRegionCount % 2 == 1; }

// The GB 11714 check character of an 8-character organisation code.
char OrganisationCodeCheck(const std::string& code8) {
  static constexpr int kWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 8; ++i) {
    char ch = code8[i];
    int v = ch >= 'A' ? ch - 'A' + 10 : ch - '0';
    sum += v * kWeights[i];
  }
  int check = 11 - sum % 11;
  return check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check);
}

// "91" (an enterprise registered with market regulation), a region, an organisation code
// "MA…" with its own check character, and the GB 32100 check character.
std::string CreditCode(int index) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";  // 31 characters
  std::string digits(5, '0');                                             // the index in base 31
  for (int i = 4, n = index; i >= 0; --i, n /= 31) digits[i] = kAlphabet[n % 31];
  std::string org = "MA1" + digits;
  org += OrganisationCodeCheck(org);
  std::string first17 = absl::StrCat("91", kRegions[index % kRegionCount], org);
  return first17 + pii::CreditCodeCheckChar(first17);
}

constexpr const char* kSurnames[] = {"Wang",  "Li",   "Zhang", "Liu", "Chen", "Yang", "Zhao",
                                     "Huang", "Zhou", "Wu",    "Xu",  "Sun",  "Hu",   "Zhu",
                                     "Gao",   "Lin",  "He",    "Guo", "Ma",   "Luo"};
constexpr const char* kMaleNames[] = {"Wei",     "Qiang",  "Lei",    "Jun",   "Yong",     "Jie",
                                      "Tao",     "Ming",   "Hao",    "Bin",   "Peng",     "Zhiwei",
                                      "Jianguo", "Haoran", "Yuxuan", "Zihao", "Chenguang"};
constexpr const char* kFemaleNames[] = {"Fang",    "Na",    "Min",    "Jing",  "Li",   "Yan",
                                        "Juan",    "Xia",   "Ting",   "Xue",   "Ying", "Xiaoyu",
                                        "Meiling", "Yuxin", "Shiyun", "Ruoxi", "Jiayi"};

std::string PersonName(int index) {
  const char* given =
      IsMale(index) ? kMaleNames[Pick(index, 18, 17)] : kFemaleNames[Pick(index, 18, 17)];
  return absl::StrCat(kSurnames[Pick(index, 19, 20)], " ", given, " (demo)");
}

struct Industry {
  const char* industry;
  const char* name_word;
};
constexpr Industry kIndustries[] = {{"Manufacturing", "Precision Machinery"},
                                    {"Logistics", "Logistics"},
                                    {"Wholesale trade", "Trading"},
                                    {"Software", "Software"},
                                    {"Construction", "Construction"},
                                    {"Healthcare", "Medical Devices"},
                                    {"Food processing", "Foods"},
                                    {"New energy", "New Energy"},
                                    {"Textiles", "Textiles"},
                                    {"Electronics", "Electronics"}};
constexpr const char* kCities[] = {"Shanghai", "Pudong",  "Suzhou", "Hangzhou",
                                   "Ningbo",   "Nanjing", "Wuxi",   "Kunshan"};
constexpr const char* kBrands[] = {"Hengtai", "Huaxin",  "Jinlong",     "Dongfang",
                                   "Xinda",   "Ruifeng", "Tianyu",      "Boyuan",
                                   "Kaida",   "Minghui", "Zhongchuang", "Haina"};

// Corporate names are unique for index < 960: city, brand and industry each from their digit.
void SetCompany(cv1::Customer& c, int index) {
  const Industry& industry = kIndustries[index / 96 % 10];
  c.set_display_name(absl::StrCat(kCities[index % 8], " ", kBrands[index / 8 % 12], " ",
                                  industry.name_word, " Co., Ltd. (demo)"));
  c.set_industry(industry.industry);
}

// A person's birthday: years 1955-2002; the day of the year steps by 53 (coprime with 365), so a
// manager holding every k-th personal customer still has birthdays all over the calendar.
absl::CivilDay Birthday(int personal_index) {
  int year = 1955 + personal_index * 7 % 48;
  return absl::CivilDay(year, 1, 1) + personal_index * 53 % 365;
}

DemoCustomer Personal(cv1::CustomerType type, int personal_index, int type_index,
                      const TierMix& mix, const DemoManagers& managers) {
  DemoCustomer d;
  cv1::Customer& c = d.customer;
  c.set_type(type);
  int k = personal_index;
  absl::CivilDay born = Birthday(k);
  c.set_display_name(PersonName(k));
  c.set_national_id(NationalId(k, born));
  c.set_contact_phone(Phone(k));
  c.mutable_birthday()->set_year(static_cast<int32_t>(born.year()));
  c.mutable_birthday()->set_month(born.month());
  c.mutable_birthday()->set_day(born.day());
  SetMoney(c, mix.asset[type_index % kAssetCycle], mix.value[type_index % 7], mix, k);
  c.set_status(StatusOf(k));
  SetPreferences(c, k);
  d.manager = managers.personal[k % managers.personal.size()];
  return d;
}

DemoCustomer Corporate(int j, const DemoManagers& managers) {
  DemoCustomer d;
  cv1::Customer& c = d.customer;
  c.set_type(cv1::CORPORATE);
  int salted = 100'000 + j;  // corporate rows draw other numbers than personal ones
  SetCompany(c, j);
  c.set_credit_code(CreditCode(j));
  c.set_contact_phone(Phone(salted));
  size_t n = managers.corporate.size();
  d.manager = managers.corporate[j % n];
  bool key = j / n % kDemoKeyAccountEvery == 0;
  c.set_key_account(key);
  // Key accounts (loan and key deposit customers) are large and valuable.
  char asset = key ? (j / n / kDemoKeyAccountEvery % 2 == 0 ? 'V' : 'L')
                   : kCorporateMix.asset[j % kAssetCycle];
  char value = key ? 'H' : kCorporateMix.value[j % 7];
  SetMoney(c, asset, value, kCorporateMix, salted);
  c.set_status(key ? cv1::ACTIVE : StatusOf(salted));
  SetPreferences(c, salted);
  return d;
}

constexpr const char* kFollowUpNotes[] = {
    "Annual portfolio review; send the fund comparison before the next call",
    "Discussed mortgage prepayment options; follow up with a repayment plan",
    "Branch visit about a large-deposit certificate; confirm the rate next time",
    "Asked about education savings for a child; bring the product sheet",
    "Renewal of the wealth-management product due soon; call to confirm",
};

// The first `count` customers meant for `manager` that are ACTIVE and (not) key accounts.
std::vector<int> CustomersOf(const CustomerDemoData& data, const std::string& manager, bool key,
                             int count) {
  std::vector<int> out;
  for (int i = 0;
       i < static_cast<int>(data.customers.size()) && static_cast<int>(out.size()) < count; ++i) {
    const DemoCustomer& d = data.customers[i];
    if (d.manager == manager && d.customer.status() == cv1::ACTIVE &&
        d.customer.key_account() == key) {
      out.push_back(i);
    }
  }
  return out;
}

// Per manager: three contacts whose follow-up has come (care reminder FOLLOW_UP_DUE) and two
// whose follow-up is next week; per corporate manager also three key accounts last contacted more
// than 30 days ago (KEY_ACCOUNT_UNTOUCHED). Each customer gets at most one.
void AddInteractions(CustomerDemoData& data, const DemoManagers& managers, absl::CivilDay today) {
  static constexpr cv1::InteractionChannel kChannels[] = {cv1::VISIT, cv1::PHONE, cv1::BRANCH,
                                                          cv1::EMAIL, cv1::ONLINE};
  auto at_ten = [](absl::CivilDay day) { return absl::CivilSecond(day) + 10 * 3600; };
  std::vector<std::string> all = managers.personal;
  all.insert(all.end(), managers.corporate.begin(), managers.corporate.end());
  for (const std::string& manager : all) {
    std::vector<int> picked = CustomersOf(data, manager, false, 5);
    for (int i = 0; i < static_cast<int>(picked.size()); ++i) {
      DemoInteraction in;
      in.customer = picked[i];
      in.channel = kChannels[i];
      in.has_follow_up = true;
      if (i < 3) {
        in.time = at_ten(today - (14 + 3 * i));
        in.follow_up = today - i;
      } else {
        in.time = at_ten(today - 2);
        in.follow_up = today + (2 + i);
      }
      in.summary = kFollowUpNotes[i];
      data.interactions.push_back(in);
    }
  }
  for (const std::string& manager : managers.corporate) {
    std::vector<int> picked = CustomersOf(data, manager, true, 3);
    for (int i = 0; i < static_cast<int>(picked.size()); ++i) {
      DemoInteraction in;
      in.customer = picked[i];
      in.channel = i == 0 ? cv1::VISIT : cv1::PHONE;
      in.time = at_ten(today - (35 + 5 * i));
      in.summary = "Credit line review with the finance director";
      data.interactions.push_back(in);
    }
  }
}

}  // namespace

DemoManagers ManagersOf(const DemoData& data) {
  DemoManagers out;
  for (const DemoMember& m : data.members) {
    if (m.role != v1::RELATIONSHIP_MANAGER) continue;
    (m.rm_kind == v1::CORPORATE ? out.corporate : out.personal).push_back(m.employee_number);
  }
  return out;
}

CustomerDemoData MakeCustomerDemoData(const DemoManagers& managers, absl::CivilDay today) {
  CustomerDemoData data;
  data.customers.reserve(kDemoRetail + kDemoPrivateBanking + kDemoCorporate);
  int k = 0;  // personal index: retail then private banking
  for (int i = 0; i < kDemoRetail; ++i, ++k) {
    data.customers.push_back(Personal(cv1::RETAIL, k, i, kRetailMix, managers));
  }
  for (int i = 0; i < kDemoPrivateBanking; ++i, ++k) {
    data.customers.push_back(Personal(cv1::PRIVATE_BANKING, k, i, kPrivateBankingMix, managers));
  }
  for (int j = 0; j < kDemoCorporate; ++j) data.customers.push_back(Corporate(j, managers));
  AddInteractions(data, managers, today);
  return data;
}

}  // namespace rmhub::seed
