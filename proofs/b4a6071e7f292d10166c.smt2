; corpus/equivalent/x86_64-cpuid.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x97 (bvsub RSP (_ bv8 64))))
(let ((?x24 (bvadd ?x97 (_ bv8 64))))
(let (($x171 (and (distinct ?x24 RSP) true)))
(let (($x119 (and (distinct (_ bv18446744071578845196 64) (_ bv18446744071578845196 64)) true)))
(let (($x133 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x29 (= TF (_ bv0 1))))
(let (($x33 (= VM (_ bv0 1))))
(let (($x51 (= DF (_ bv0 1))))
(and $x51 $x33 $x29 $x133 (or $x119 $x171)))))))))))
(check-sat)
