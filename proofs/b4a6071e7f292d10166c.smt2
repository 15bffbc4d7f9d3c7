; corpus/equivalent/x86_64-cpuid.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x77 (bvsub RSP (_ bv8 64))))
(let ((?x183 (bvadd ?x77 (_ bv8 64))))
(let (($x230 (and (distinct ?x183 RSP) true)))
(let (($x94 (and (distinct (_ bv18446744071578845196 64) (_ bv18446744071578845196 64)) true)))
(let (($x86 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x109 (= TF (_ bv0 1))))
(let (($x167 (= VM (_ bv0 1))))
(let (($x21 (= DF (_ bv0 1))))
(and $x21 $x167 $x109 $x86 (or $x94 $x230)))))))))))
(check-sat)
